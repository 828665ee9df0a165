# Sourced by ./mvnw, ./gateway and .ci/run: makes sure a JDK 21 or newer is used.
# Keeps JAVA_HOME when it already points at one; otherwise takes the newest JDK 21+
# found under /usr/lib/jvm (or on the PATH).
mgw_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1
}
mgw_select_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(mgw_java_major "$JAVA_HOME/bin/java")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then
      # the scripts run `java`: it must be this one, not an older one earlier on the PATH
      PATH="$JAVA_HOME/bin:$PATH"; export PATH
      return 0
    fi
  fi
  best=""; bestv=0
  for d in /usr/lib/jvm/*/ /opt/java/*/ "${HOME:-/root}"/.sdkman/candidates/java/*/; do
    [ -x "${d}bin/javac" ] || continue
    v=$(mgw_java_major "${d}bin/java")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$bestv" ]; then best=${d%/}; bestv=$v; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null 2>&1; then
    v=$(mgw_java_major java)
    [ "${v:-0}" -ge 21 ] 2>/dev/null && return 0
  fi
  if [ -z "$best" ]; then
    echo "mgw: no JDK 21 or newer found; install one and set JAVA_HOME" >&2
    return 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
  PATH="$JAVA_HOME/bin:$PATH"; export PATH
}
mgw_select_jdk || exit 1
