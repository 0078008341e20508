#!/bin/sh
# Greets {"name": "..."}: the event arrives on stdin as JSON, the result goes to stdout.
# GREETING (environment) overrides the salutation. A missing name fails with Lambda's error shape.
event=$(cat)
name=$(printf '%s' "$event" | sed -n 's/.*"name"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
if [ -z "$name" ]; then
  echo '{"errorType":"MissingName","errorMessage":"the event has no name"}' >&2
  exit 2
fi
printf '{"greeting":"%s, %s!"}\n' "${GREETING:-Hello}" "$name"
