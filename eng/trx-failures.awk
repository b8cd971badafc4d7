# Prints each failed test of the TRX files given: its name, then the first lines of its
# message, so the end of a CI log says what failed without scrolling back through it.
function unescape(s) {
  gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
  gsub(/&#xD;/, "", s); gsub(/&#xA;/, "\n", s); gsub(/&amp;/, "\\&", s)
  return s
}
/<UnitTestResult / && /outcome="Failed"/ {
  name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
  printf "FAILED %s\n", unescape(name); failed = 1; shown = 0; next
}
/<UnitTestResult / { failed = 0 }
failed && /<Message>/ { inmsg = 1; sub(/.*<Message>/, "") }
failed && inmsg {
  line = $0; done = sub(/<\/Message>.*/, "", line)
  if (shown < 12) printf "    %s\n", unescape(line)
  shown++
  if (done) { if (shown > 12) printf "    ... (%d more lines in the TRX file)\n", shown - 12; inmsg = 0; failed = 0 }
}
