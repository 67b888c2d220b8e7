#!/bin/sh
# The bench's agent for dispatch: its first output at once (the bench waits for the
# tmux server to read it), then it waits until killed.
printf 'jr-bench-first-byte\n'
exec sleep 1000
