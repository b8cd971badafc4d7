#!/usr/bin/env bash
# The .NET tool from a fresh state: copies the sources (no bin/ or obj/) to a temporary directory,
# packs them, installs the package with `dotnet tool install --tool-path`, then runs the installed
# `demo` from an empty directory outside the clone: `demo version`, `demo config show` and the
# whole tour on its embedded broker (about a minute). Exits non-zero at the first step that fails.
#   eng/tool-smoke.sh            # keeps nothing
#   KEEP=1 eng/tool-smoke.sh     # leaves the temporary directory for a look
# NuGet's packages folder is whatever NUGET_PACKAGES (or the default) says; the only source added
# is the directory of the package just made. The test ToolPackageTests (integration tests,
# Category=Slow) runs the same steps with one short chapter of the tour instead of all ten.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kafkademos-tool.XXXXXX")"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT
step() { echo "== $*" >&2; }

step "fresh copy of the sources in $work/src"
mkdir -p "$work/src/src" "$work/pack" "$work/tools" "$work/empty"
cp "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/.editorconfig" "$root/appsettings.json" "$work/src/"
tar -C "$root/src" --exclude=bin --exclude=obj -cf - KafkaDemos | tar -C "$work/src/src" -xf -

# A version of this run's own: no cache anywhere can hand back an older package of the same number.
version="0.1.0-smoke.$(date +%Y%m%d%H%M%S).$$"
step "dotnet pack (package version $version)"
dotnet pack "$work/src/src/KafkaDemos/KafkaDemos.csproj" -c Release -o "$work/pack" --nologo --disable-build-servers -p:PackageVersion="$version" >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log" >&2; exit 1; }
ls "$work/pack"

step "dotnet tool install --tool-path $work/tools"
dotnet tool install --tool-path "$work/tools" --add-source "$work/pack" --version "$version" KafkaDemos

demo="$work/tools/demo"
cd "$work/empty"
step "demo version (in $PWD)"
"$demo" version
step "demo config show"
"$demo" config show 2>&1 | head -3
step "demo tour --embedded"
"$demo" tour --embedded
step "the installed tool works"
