#!/usr/bin/perl
# Turns a job's terminal output into readable text for log.txt, as it arrives:
# escape sequences (colours, cursor moves, titles) are removed, CR line endings
# become newlines, other control bytes are dropped. Every other byte, invalid
# UTF-8 included, is kept. Runs under tmux pipe-pane: stdin is the pane's output.
# usage: log-filter.pl [ENDED_MARKER EXIT_RECORD] (the marker is created at the end of the
# input when the job has no exit record yet: another pipe-pane took the pane over)
use strict;
use warnings;
use Fcntl qw(O_WRONLY O_CREAT);

binmode STDIN;
binmode STDOUT;

# Complete sequences, longest forms first.
my $complete = qr/
    \e\][^\a\e]*(?:\a|\e\\)                 # OSC: window title, hyperlink, clipboard
  | \e[PX^_](?:[^\e]|\e(?!\\))*\e\\        # DCS, SOS, PM and APC strings
  | \e\[[0-?]*[ -\/]*[@-~]                 # CSI: colour, cursor, erase, modes
  | \e[ -\/]+[0-~]                         # nF: character set designation
  | \e(?![\[\]PX^_])[0-~]                  # two-byte escapes: save cursor, keypad mode
/x;

# The start of a sequence cut off by the end of a read: kept for the next read.
my $unfinished = qr/
    \e(?: \][^\a\e]*\e?
        | [PX^_](?:[^\e]|\e(?!\\))*\e?
        | \[[0-?]*[ -\/]*
        | [ -\/]*
      )\z
/x;

my $MAX_CARRY = 65536;

# Cursor jumps to a new line (or back to column 1, a redraw) read best as a line
# break; a cursor move along the line (forward, or to a later column: TUIs such as
# Claude Code skip blank cells that way instead of printing spaces) as a space;
# everything else as nothing.
sub replacement {
    my ($sequence) = @_;
    return "\n" if $sequence =~ /^\e\[(?:[0-9;]*[HfE]|1?G)\z/;
    return ' '  if $sequence =~ /^\e\[[0-9]*[CG]\z/;
    return '';
}

sub clean {
    my ($text) = @_;
    $text =~ s/$complete/replacement($&)/ge;
    $text =~ s/\r+\n/\n/g;
    $text =~ s/\r/\n/g;
    $text =~ tr/\x00-\x08\x0b\x0c\x0e-\x1f\x7f//d;
    return $text;
}

my $carry = '';
my $last_read = 65536;
for (;;) {
    # after a short read, let output gather a moment before the next one: in a flood the
    # writer (tmux) then writes fewer, larger pieces, which slows the job less. A short
    # read means the filter keeps up, so it never falls behind by more than a read; a
    # line reaches the log 5 ms later at most.
    select(undef, undef, undef, 0.005) if $last_read < 16384;
    my $read = sysread(STDIN, my $chunk, 65536);
    $last_read = $read // 0;
    if (!defined $read) {
        next if $!{EINTR};
        last;
    }
    last if $read == 0;
    # most output is plain text, its lines ended by the terminal's CR LF: drop the CRs
    # (tr is far cheaper than the substitutions below) and pass the rest through
    if ($carry eq '' && ($chunk =~ tr/\x00-\x08\x0b\x0c\x0e-\x1f\x7f//) == 0
        && $chunk !~ /\r[^\n]/ && substr($chunk, -1) ne "\r") {
        $chunk =~ tr/\r//d;
        syswrite(STDOUT, $chunk);
        next;
    }
    my $text = $carry . $chunk;
    $carry = '';
    if ($text =~ $unfinished && length($&) < $MAX_CARRY) {
        $carry = $&;
        substr($text, -length($carry)) = '';
    } elsif ($text =~ /\r\z/) {
        # a CR may be the first half of CRLF
        $carry = "\r";
        chop $text;
    }
    my $out = clean($text);
    syswrite(STDOUT, $out) if length $out;
}
my $rest = clean($carry);
syswrite(STDOUT, $rest) if length $rest;
# the job's own end closes the pipe after its exit record is written: no marker then, so a
# workspace is left as the job left it; private like every file of the workspace
if (@ARGV == 2) {
    my ($ended, $exit) = @ARGV;
    if (!-e $exit && sysopen(my $marker, $ended, O_WRONLY | O_CREAT, 0600)) {
        close($marker);
    }
}
