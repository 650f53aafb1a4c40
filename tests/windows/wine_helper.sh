#!/usr/bin/env bash
# Runs docker-credential-pat.exe ($PAT_WINE_EXE) under wine ($PAT_WINE) with
# the caller's WINEPREFIX, passing stdin, stdout and the exit code through:
# the HELPER of tests/blackbox/helper_golden.py's credman mode.
exec "$PAT_WINE" "$PAT_WINE_EXE" "$@"
