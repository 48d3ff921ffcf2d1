# Sourced by Tartan's scripts: exports JAVA_HOME for a JDK >= 21, or exits with a clear message.
# Order: $JAVA_HOME if it qualifies, then the usual install locations, then `java` on PATH.

tartan_java_major() { # $1 = path to a java binary; prints its feature version or nothing
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

tartan_pick_jdk() {
  local candidates=() c v
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$c" ] && candidates+=("$c")
  done
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    v=$(tartan_java_major "$c/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$c"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "Tartan needs a JDK 21 or newer (with javac). None found in JAVA_HOME, /usr/lib/jvm, /opt or on PATH." >&2
  echo "Install one (for example Temurin 21 or 25) and set JAVA_HOME to it." >&2
  return 1
}
