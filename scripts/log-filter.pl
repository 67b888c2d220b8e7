#!/usr/bin/perl -w
# Turns a job's terminal output into readable text for log.txt, as it arrives:
# escape sequences (colours, titles) are removed, CR line endings become newlines,
# other control bytes are dropped. Every other byte, invalid UTF-8 included, is kept.
# A line the agent redraws in place (a spinner, an input box, a progress bar) is
# written once it is final, not on every frame; nothing is written while the agent
# is on the alternate screen. Runs under tmux pipe-pane: stdin is the pane's output.
# usage: log-filter.pl [ENDED_MARKER EXIT_RECORD [PANE WORKSPACE IDLE_AFTER ACTIVITY_SH]]
# (the marker is created at the end of the input when the job has no exit record yet:
# another pipe-pane took the pane over; with the last four, IDLE_AFTER seconds without
# output run `sh ACTIVITY_SH PANE WORKSPACE silence`, and the output after that `... output`)
# No module but strict: this runs for as long as its job, one per job, and what perl
# loads stays in its memory (warnings.pm, Fcntl, Time::HiRes and Errno were most of it).
# -w above warns as `use warnings` would; select counts the silence down (it leaves the
# time it did not wait), and errno is compared by number.
use strict;

binmode STDIN;
binmode STDOUT;

my ($ENDED, $EXIT_RECORD, $PANE, $WORKSPACE, $IDLE_AFTER, $ACTIVITY_SH) = @ARGV;
# 0 (or anything not a number of seconds) turns the watch off
my $watch_silence = @ARGV >= 6 && $IDLE_AFTER =~ /\A[0-9]+\z/ && $IDLE_AFTER > 0;

# The start of a sequence cut off by the end of a read: kept for the next read.
my $unfinished = qr/
    \e(?: \][^\a\e]*\e?
        | [PX^_](?:[^\e]|\e(?!\\))*\e?
        | \[[0-?]*[ -\/]*
        | [ -\/]*
      )\z
/x;

# One piece of output: printable text, a CSI sequence (parameters, final byte), a string
# or escape the log ignores, a two-byte escape, a control byte.
my $token = qr/\G(?:
    ([^\x00-\x1f\x7f]+)
  | \e\[([0-?]*)[ -\/]*([@-~])
  | (?:\e\][^\a\e]*(?:\a|\e\\) | \e[PX^_](?:[^\e]|\e(?!\\))*\e\\ | \e[ -\/]+[0-~])
  | \e([0-~])
  | ([\x00-\x1f\x7f])
)/x;

# Sequences that change neither the text nor where it goes: colours, titles, character
# sets, keypad modes, and private modes other than the alternate screen (cursor shown,
# bracketed paste).
my $inert = qr/\e\[[0-9;:]*m|\e\][^\a\e]*(?:\a|\e\\)|\e[()*+][0-~]|\e[=>]|\e\[\?(?![0-9;]*(?<![0-9])(?:47|1047|1049)(?![0-9]))[0-9;]*[hl]/;
# Erasing to the end of the line, which erases nothing where the cursor is at the end of
# what was written (grep --color writes it after every match)
my $erase_after = qr/\e\[0?K/;

# One character of a text run: a UTF-8 sequence, else a single (invalid) byte.
my $character = qr/[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}|[\x80-\xff]/;

my $MAX_CARRY = 65536;
# A row above the screen can never change again, and no pane is this tall: the model
# keeps no more rows above the cursor than this.
my $MAX_REACH = 200;
# The model does not know the pane's width: a row wraps here, as a terminal wraps at its width.
my $MAX_COLUMNS = 4096;
# The log's last lines, as many as this many bytes hold at least, are kept for the agent
# to move back into (see recall_rows).
my $HISTORY_BYTES = 32768;

# The screen model: the rows the cursor can still move back into. Rows are numbered from
# the start of the output; a row is a list of cells (a character's bytes, '' right of a
# wide character, undef where nothing was written).
my @rows = ([]);
my @dirty = (0);   # the row changed since the log last showed it (a new line is a change)
my @logged = (undef);  # the line the log has for the row, once it went out whole
# The lines the log has for the rows above $rows[0], oldest first, each ended by "\n"; in
# plain state, also the line the log shows open. A TUI redraws rows it drew in earlier
# reads: they come back from here, as the log has them.
my $history = '';
my @recent;            # plain state: the reads passed through since (references), newest last
my $recent_bytes = 0;
my $base = 0;      # number of $rows[0]
my ($y, $x) = (0, 0);
my $low = 0;       # the lowest row the cursor has been on
my $reach = 0;     # how far above $low the agent has moved the cursor: rows it redraws
my $top;           # number of the screen's first row, once the agent positions absolutely
my ($saved_y, $saved_x) = (0, 0);
my $alternate = 0;
my ($margin_top, $margin_bottom);  # the scrolling region (DECSTBM), screen rows from 1
my ($open, $open_text);  # the row the log shows without its line break yet, and what it shows
my $shown = '';           # text for the log, written at the end of each read
# Plain state: one row, the cursor at its end, the log showing all of it ($tail). Plain
# text then goes to the log as it is, without the model.
my $plain = 1;
my $tail = '';
my $wrote = 0;  # the log has had something

sub render {
    my ($row) = @_;
    return join '', map { $_ // ' ' } @$row;
}

# Puts row $i (an index into @rows) into the log, without the blanks at its end; a final
# row ends its line, else it is left open for what follows on it.
sub show_row {
    my ($i, $final) = @_;
    my $row = $rows[$i];
    my $full = render($row);
    (my $text = $full) =~ s/ +\z//;
    my $line = $text;
    if ($final && defined $logged[$i] && $logged[$i] eq $line && !(defined $open && $open == $row)) {
        # redrawn as the log has it already
        $dirty[$i] = 0;
        return;
    }
    if (defined $open && $open == $row && substr($full, 0, length $open_text) eq $open_text) {
        # the row goes on from what the log shows
        ($text = substr($full, length $open_text)) =~ s/ +\z//;
        $open_text .= $text;
    } elsif (defined $open && $open == $row && $open_text =~ /\A\Q$text\E +\z/) {
        # the log shows it, with blanks after it
        $text = '';
    } else {
        $shown .= "\n" if defined $open;
        $open_text = $text;
    }
    $shown .= $text;
    if ($final) {
        $shown .= "\n";
        undef $open;
        $logged[$i] = $line;
    } else {
        $open = $row;
    }
    $dirty[$i] = 0;
}

# Puts every row that changed into the log, as the screen stands now (at silence, before
# the screen is erased, at the end): the empty screen below the cursor is not a line.
sub show_screen {
    my $cursor = $y - $base;
    my $last = $#rows;
    $last-- while $last >= $cursor && render($rows[$last]) !~ /\S/;
    for my $i (0 .. $last) {
        show_row($i, $i != $cursor || $i != $last) if $dirty[$i];
    }
}

# Commits the rows the agent can no longer reach, oldest first.
sub commit_unreachable {
    my $keep = $low - $reach;
    $keep = $y if $keep > $y;
    while ($base < $keep) {
        show_row(0, 1) if $dirty[0] || defined $open && $open == $rows[0];
        my $row = shift @rows;
        my $text = shift @logged;
        ($text = render($row)) =~ s/ +\z// unless defined $text;
        remember("$text\n");
        shift @dirty;
        $base++;
    }
}

sub remember {
    $history .= $_[0];
    return if length $history < 2 * $HISTORY_BYTES;
    my $cut = index($history, "\n", length($history) - $HISTORY_BYTES);
    substr($history, 0, $cut + 1) = '';
}

# A line of the log as the cells of a row.
sub row_of {
    my ($line) = @_;
    return [split //, $line] if $line !~ /[\x80-\xff\t]/;
    my @row;
    for my $ch ($line =~ /$character/g) {
        if ($ch eq "\t") {
            push @row, "\t";
            push @row, '' while @row % 8;
            next;
        }
        my $cells = cells_of($ch);
        if ($cells == 0 && @row) { $row[-1] .= $ch; next }
        push @row, $ch;
        push @row, '' if $cells == 2;
    }
    return \@row;
}

# The agent moves back into rows the model let go to the log (their reach was not known
# yet, or the model was in plain state): they come back as the log has them, not blank,
# so that what it redraws there lands on what it drew before (a cell-diffing renderer
# redraws only the cells that changed: a spinner's row would otherwise hold a glyph and
# a few letters of its word).
sub recall_rows {
    my ($n) = @_;
    while ($n-- > 0 && length $history) {
        my $start = rindex($history, "\n", length($history) - 2) + 1;
        my $line = substr($history, $start, -1);
        substr($history, $start) = '';
        unshift @rows, row_of($line);
        unshift @dirty, 0;
        unshift @logged, $line;
        $base--;
    }
}

sub new_row {
    my ($dirty) = @_;
    push @rows, [];
    push @dirty, $dirty;
    push @logged, undef;
}

sub moved_to_row {
    my ($row, $is_feed) = @_;
    recall_rows($base - $row) if $row < $base;
    $row = $base if $row < $base;
    new_row($is_feed) while $row - $base > $#rows;
    $y = $row;
    $low = $y if $y > $low;
    $low = $y + $MAX_REACH if $low - $y > $MAX_REACH;
    $reach = $low - $y if $low - $y > $reach;
}

# A line feed on the scrolling region's last row scrolls the region: its first row leaves
# the screen (the log gets it: a TUI with a fixed footer inserts its history that way) and
# the rows below the region stay where they are.
sub line_feed {
    if (defined $margin_bottom && defined $top && $y == $top + $margin_bottom - 1) {
        my $first = $top + $margin_top - 1 - $base;
        $first = 0 if $first < 0;
        my $last = $y - $base;
        if ($first < $last) {
            show_row($first, 1) if $dirty[$first];
            splice(@rows, $first, 1);
            splice(@dirty, $first, 1);
            splice(@logged, $first, 1);
            splice(@rows, $last, 0, []);
            splice(@dirty, $last, 0, 1);
            splice(@logged, $last, 0, undef);
            return;
        }
    }
    moved_to_row($y + 1, 1);
}

# Whether a character takes two cells or none (a combining mark, a joiner).
sub cells_of {
    my ($ch) = @_;
    return 1 if length $ch == 1;
    my $decoded = $ch;
    return 1 unless utf8::decode($decoded);
    return 2 if $decoded =~ /[\p{Ea=W}\p{Ea=F}]/;
    return 0 if $decoded =~ /[\p{Mn}\p{Me}\p{Cf}]/;
    return 1;
}

sub put_text {
    my ($run) = @_;
    my $row = $rows[$y - $base];
    $dirty[$y - $base] = 1;
    if ($run !~ /[\x80-\xff]/ && $x + length $run <= $MAX_COLUMNS) {
        if ($x == @$row) {
            push @$row, split //, $run;
        } else {
            $#$row = $x - 1 if $x > @$row;
            splice(@$row, $x, length $run, split //, $run);
        }
        $x += length $run;
        return;
    }
    for my $ch ($run =~ /$character/g) {
        my $cells = cells_of($ch);
        if ($cells == 0) {
            if ($x > 0) { $row->[$x - 1] = ($row->[$x - 1] // '') . $ch } else { $row->[0] = $ch; $x = 1 }
            next;
        }
        if ($x + $cells > $MAX_COLUMNS) {
            line_feed();
            $x = 0;
            $row = $rows[$y - $base];
            $dirty[$y - $base] = 1;
        }
        $row->[$x] = $ch;
        $row->[$x + 1] = '' if $cells == 2;
        $x += $cells;
    }
}

# A tab moves to the next stop; past the end of the row it is kept as a tab.
sub put_tab {
    my $row = $rows[$y - $base];
    my $stop = (int($x / 8) + 1) * 8;
    $stop = $MAX_COLUMNS - 1 if $stop >= $MAX_COLUMNS;
    if ($x >= @$row) {
        $row->[$x] = "\t";
        $row->[$_] = '' for $x + 1 .. $stop - 1;
        $dirty[$y - $base] = 1;
    }
    $x = $stop;
}

sub erase_in_row {
    my ($from, $to) = @_;  # cells $from .. $to - 1
    my $row = $rows[$y - $base];
    $to = @$row if $to > @$row;
    return if $from >= $to;
    if ($to == @$row) { $#$row = $from - 1 } else { $row->[$_] = undef for $from .. $to - 1 }
    $dirty[$y - $base] = 1;
}

sub set_alternate {
    my ($on) = @_;
    return if $on == $alternate;
    # what the agent drew before is on the screen the whole time the alternate one is up
    show_screen() if $on;
    $alternate = $on;
}

sub csi {
    my ($params, $final) = @_;
    return if $final eq 'm';
    if ($params =~ /\A\?/) {
        if (($final eq 'h' || $final eq 'l') && $params =~ /(?:\A\?|;)(?:47|1047|1049)(?:;|\z)/) {
            set_alternate($final eq 'h' ? 1 : 0);
        }
        return;
    }
    return if $alternate || $params =~ /[<=>]/;
    my @p = split /;/, $params;
    # no screen is wider or taller than the model
    my $n = $p[0] || 1;
    $n = $MAX_COLUMNS if $n > $MAX_COLUMNS;
    my $rows_n = $n > $MAX_REACH ? $MAX_REACH : $n;
    my $i = $y - $base;
    if ($final eq 'A') { moved_to_row($y - $rows_n, 0) }
    elsif ($final eq 'B' || $final eq 'e') { moved_to_row($y + $rows_n, 0) }
    elsif ($final eq 'C' || $final eq 'a') { $x += $n; $x = $MAX_COLUMNS - 1 if $x >= $MAX_COLUMNS }
    elsif ($final eq 'D') { $x -= $n; $x = 0 if $x < 0 }
    elsif ($final eq 'E') { moved_to_row($y + $rows_n, 0); $x = 0 }
    elsif ($final eq 'F') { moved_to_row($y - $rows_n, 0); $x = 0 }
    elsif ($final eq 'G' || $final eq '`') { $x = $n - 1; $x = $MAX_COLUMNS - 1 if $x >= $MAX_COLUMNS }
    elsif ($final eq 'H' || $final eq 'f' || $final eq 'd') {
        # rows count from the screen's top, which the model knows only from here on
        $top //= $base;
        moved_to_row($top + $rows_n - 1, 0);
        if ($final ne 'd') { $x = ($p[1] || 1) - 1; $x = $MAX_COLUMNS - 1 if $x >= $MAX_COLUMNS }
    }
    elsif ($final eq 'K') {
        my $mode = $p[0] || 0;
        if ($mode == 0) { erase_in_row($x, $MAX_COLUMNS) }
        elsif ($mode == 1) { erase_in_row(0, $x + 1) }
        else { erase_in_row(0, $MAX_COLUMNS) }
    }
    elsif ($final eq 'J') {
        my $mode = $p[0] || 0;
        if ($mode == 0) {
            erase_in_row($x, $MAX_COLUMNS);
            splice(@rows, $i + 1);
            splice(@dirty, $i + 1);
            splice(@logged, $i + 1);
        } elsif ($mode == 1) {
            erase_in_row(0, $x + 1);
            for my $j (0 .. $i - 1) { $rows[$j] = []; $dirty[$j] = 0; $logged[$j] = undef }
            $history = '';
        } else {
            show_screen();
            for my $j (0 .. $#rows) { $rows[$j] = []; $dirty[$j] = 0; $logged[$j] = undef }
            $history = '';
        }
    }
    elsif ($final eq 'X') { erase_in_row($x, $x + $n) }
    elsif ($final eq 'P') {
        my $row = $rows[$i];
        if ($x < @$row) { splice(@$row, $x, $n); $dirty[$i] = 1 }
    }
    elsif ($final eq '@') {
        my $row = $rows[$i];
        if ($x < @$row) { splice(@$row, $x, 0, (undef) x $n); $dirty[$i] = 1 }
    }
    elsif ($final eq 'L') {
        splice(@rows, $i, 0, map { [] } 1 .. $rows_n);
        splice(@dirty, $i, 0, (1) x $rows_n);
        splice(@logged, $i, 0, (undef) x $rows_n);
    }
    elsif ($final eq 'M') {
        splice(@rows, $i, $rows_n);
        splice(@dirty, $i, $rows_n);
        splice(@logged, $i, $rows_n);
        new_row(0) if $i > $#rows;
        $dirty[$i] = 1;
    }
    elsif ($final eq 'r') {
        # a region that ends above the last row matters; the whole screen is no region
        ($margin_top, $margin_bottom) = ($p[0] || 1, $p[1]);
        undef $margin_bottom if defined $margin_bottom && $margin_bottom <= $margin_top;
        $top //= $base if defined $margin_bottom;
    }
    elsif ($final eq 's' && $params eq '') { ($saved_y, $saved_x) = ($y, $x) }
    elsif ($final eq 'u' && $params eq '') { moved_to_row($saved_y, 0); $x = $saved_x }
}

sub escape {
    my ($final) = @_;
    if ($final eq 'c') {
        set_alternate(0);
        show_screen();
        for my $j (0 .. $#rows) { $rows[$j] = []; $dirty[$j] = 0; $logged[$j] = undef }
        $history = '';
        $x = 0;
        return;
    }
    return if $alternate;
    if ($final eq '7') { ($saved_y, $saved_x) = ($y, $x) }
    elsif ($final eq '8') { moved_to_row($saved_y, 0); $x = $saved_x }
    elsif ($final eq 'M') { moved_to_row($y - 1, 0) }
    elsif ($final eq 'D') { line_feed() }
    elsif ($final eq 'E') { line_feed(); $x = 0 }
}

sub control {
    my ($byte) = @_;
    return if $alternate;
    if ($byte eq "\n" || $byte eq "\x0b" || $byte eq "\x0c") {
        line_feed();
        $x = 0 if $x >= $MAX_COLUMNS;
    }
    elsif ($byte eq "\r") { $x = 0 }
    elsif ($byte eq "\t") { put_tab() }
    elsif ($byte eq "\x08") { $x-- if $x > 0 }
}

# Runs the text through the model; returns whether it showed anything on the screen
# (a lone bell, cursor moves and erasing are no output).
sub run_model {
    my ($text) = @_;
    my $output = 0;
    pos($text) = 0;
    while ($text =~ /$token/gc) {
        my ($run, $params, $final, $escape, $control) = ($1, $2, $3, $4, $5);
        if (defined $run) {
            $output ||= $run =~ /[^ ]/;
            next if $alternate;
            while ($x + length($run) > $MAX_COLUMNS && $run !~ /[\x80-\xff]/) {
                my $fits = $MAX_COLUMNS - $x;
                put_text(substr($run, 0, $fits, '')) if $fits > 0;
                line_feed();
                $x = 0;
            }
            put_text($run) if length $run;
        }
        elsif (defined $final) { csi($params, $final) }
        elsif (defined $escape) { escape($escape) }
        elsif (defined $control) { control($control) }
    }
    return $output;
}

# Leaves plain state: the row the log shows becomes the model's one row.
sub enter_model {
    $plain = 0;
    @rows = ([]);
    # a row after a line break is a line, blank or not; the first row is not yet
    @dirty = ($wrote ? 1 : 0);
    @logged = (undef);
    remember(join '', map { $$_ } @recent);
    @recent = ();
    $recent_bytes = 0;
    # the open line is the model's row now
    substr($history, rindex($history, "\n") + 1) = '';
    ($base, $y, $low, $x) = (0, 0, 0, 0);
    undef $top;
    undef $open;
    return if $tail eq '';
    run_model($tail);
    # what the log shows of this row may be longer than the row kept (see $MAX_COLUMNS)
    ($open, $open_text) = ($rows[0], render($rows[0]));
    $dirty[0] = 0;
}

# After a read: rows out of reach go to the log; so does the row the cursor is on while
# the agent has never redrawn a line and the row only grew (a question waiting for its
# answer must show up in tail -f). Back to plain state when the log shows all there is.
sub settle {
    commit_unreachable();
    return if $reach > 0 || @rows > 1 || $alternate;
    my $row = $rows[0];
    if (defined $open && $open != $row) {
        # the row the log showed open was erased
        $shown .= "\n";
        undef $open;
    }
    if ($dirty[0]) {
        my $text = render($row);
        show_row(0, 0) if defined $open ? substr($text, 0, length $open_text) eq $open_text : $text ne '';
    }
    return if $x != @$row;
    if (!@$row && !defined $open) {
        ($plain, $tail) = (1, '');
    } elsif (defined $open && !$dirty[0] && render($row) eq $open_text) {
        ($plain, $tail) = (1, $open_text);
        $history .= $open_text;
    }
}

# The activity script, in the background: the log never waits for it (children are not
# waited for: SIGCHLD is ignored, and set back for the script, which runs tmux).
sub tell_activity {
    my ($event) = @_;
    my $pid = fork;
    return if !defined $pid || $pid;
    $SIG{CHLD} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>', '/dev/null');
    open(STDERR, '>', '/dev/null');
    { local $^W = 0; exec('sh', $ACTIVITY_SH, $PANE, $WORKSPACE, $event) }
    exit 0;
}

$SIG{CHLD} = 'IGNORE' if $watch_silence;
# the seconds of silence still to come before the job counts as silent: each wait takes
# off what it waited (select leaves the rest), the last output sets them back
my $silence_left = $IDLE_AFTER;
# The countdown misses the time spent between waits: a flood of bytes that are no output
# (blank lines) keeps select from waiting at all, and where select does not leave the
# rest (macOS) it gives back the whole timeout. The clock's whole seconds bound it.
my $quiet_since = time;
my $silent = 0;
# the same number on Linux, macOS and the BSDs
my $EINTR = 4;

# Waits until input arrives or the silence begins; false at the silence.
sub input_before_silence {
    for (;;) {
        return 0 if $silence_left <= 0 || time - $quiet_since > $IDLE_AFTER;
        my $wanted = '';
        vec($wanted, fileno(STDIN), 1) = 1;
        (my $ready, $silence_left) = select($wanted, undef, undef, $silence_left);
        # none ready: the whole wait passed
        return 0 if $ready == 0;
        return 1 if $ready > 0;
        return 1 if $ready < 0 && $! != $EINTR;
    }
}

my $carry = '';
my $last_read = 65536;
for (;;) {
    # after a short read, let output gather a moment before the next one: in a flood the
    # writer (tmux) then writes fewer, larger pieces, which slows the job less. A short
    # read means the filter keeps up, so it never falls behind by more than a read; a
    # line reaches the log 5 ms later at most.
    if ($last_read < 16384) {
        select(undef, undef, undef, 0.005);
        $silence_left -= 0.005 if $watch_silence;
    }
    if ($watch_silence && !$silent && !input_before_silence()) {
        $silent = 1;
        # the screen as it stands is what a person sees while the job is quiet
        if (!$plain) {
            show_screen();
            syswrite(STDOUT, $shown) if length $shown;
            $shown = '';
        }
        tell_activity('silence');
        $last_read = 65536;
        next;
    }
    my $read = sysread(STDIN, my $chunk, 65536);
    $last_read = $read // 0;
    if (!defined $read) {
        next if $! == $EINTR;
        last;
    }
    last if $read == 0;
    my $text = $carry . $chunk;
    $carry = '';
    if ($text =~ $unfinished && length($&) < $MAX_CARRY) {
        $carry = $&;
        substr($text, -length($carry)) = '';
    } elsif (substr($text, -1) eq "\r") {
        # a CR may be the first half of CRLF
        $carry = "\r";
        chop $text;
    } elsif (substr($text, -1) ge "\x80" && substr($text, -3) =~ /(?:[\xc2-\xf4]|[\xe0-\xf4][\x80-\xbf]|[\xf0-\xf4][\x80-\xbf]{2})\z/) {
        # a character cut by the end of a read would take a cell for each piece
        $carry = $&;
        substr($text, -length($carry)) = '';
    }
    # coloured lines are plain text once their colours are gone
    if ($plain && index($text, "\e") >= 0) {
        $text =~ s/$inert//g;
        if (index($text, "\e") >= 0 && $text !~ /\r(?!\n)|\x08/) {
            (my $erased = $text) =~ s/$erase_after//g;
            $text = $erased if index($erased, "\e") < 0;
        }
    }
    my $output;
    # most output is plain text, its lines ended by the terminal's CR LF: drop the CRs
    # (tr is far cheaper than the model below) and pass the rest through
    if ($plain && ($text =~ tr/\x00-\x08\x0b\x0c\x0e-\x1f\x7f//) == 0 && $text !~ /\r[^\n]/) {
        $text =~ tr/\r//d;
        syswrite(STDOUT, $text);
        $wrote ||= length $text;
        my $break = rindex($text, "\n");
        $tail = $break < 0 ? $tail . $text : substr($text, $break + 1);
        $tail = substr($tail, -$MAX_COLUMNS) if length $tail > $MAX_COLUMNS;
        $open_text = $tail;
        # kept, not copied (the fast path stays as cheap), and joined to the history only
        # when the model needs it
        push @recent, \$text;
        $recent_bytes += length $text;
        while ($recent_bytes - length ${$recent[0]} >= $HISTORY_BYTES) {
            $recent_bytes -= length ${shift @recent};
            $history = '';
        }
        $output = $watch_silence && $text =~ /\S/;
    } else {
        enter_model() if $plain;
        $output = run_model($text);
        if ($reach > 0 && !$alternate && line_text($text)) {
            # whole lines of text cannot redraw: whoever drew on the rows above is done,
            # and what follows (the wrapper's end line) must not wait in the model
            show_screen();
            splice(@rows, $y - $base + 1);
            splice(@dirty, $y - $base + 1);
            splice(@logged, $y - $base + 1);
            ($reach, $low) = (0, $y);
        }
        settle();
        $wrote ||= length $shown;
        syswrite(STDOUT, $shown) if length $shown;
        $shown = '';
    }
    if ($watch_silence && $output) {
        $silence_left = $IDLE_AFTER;
        $quiet_since = time;
        if ($silent) {
            $silent = 0;
            tell_activity('output');
        }
    }
}

# A chunk of whole lines of text, no escape in it, two lines at least: a single line may
# be the piece of a redrawn frame that a read cut off between its escapes (seen under
# load: a spinner frame "- thinking" went to the log); the wrapper's end line comes with
# the blank line before it. Line feeds alone are no text: Claude Code moves the cursor
# back down to its input box with them, after a frame that a read cut off before them.
sub line_text { return index($_[0], "\e") < 0 && substr($_[0], -1) eq "\n" && ($_[0] =~ tr/\n//) >= 2 && $_[0] =~ /[^\s]/ }

if (!$plain || $carry ne '') {
    enter_model() if $plain;
    run_model($carry);
    show_screen();
    syswrite(STDOUT, $shown) if length $shown;
}
# the job's own end closes the pipe after its exit record is written: no marker then, so a
# workspace is left as the job left it; private like every file of the workspace
if (@ARGV >= 2) {
    umask(077);
    if (!-e $EXIT_RECORD && open(my $marker, '>>', $ENDED)) {
        close($marker);
    }
}
