# The launcher's staleness rule for Windows (demo.cmd calls it; ./demo has the same rule in bash):
# exit 0 when .demo/bin/demo.dll is up to date, 1 when it must be built. It must be built when it
# or the stamp of the last build is missing, or when a watched file is newer than that stamp.
# Windows PowerShell 5.1 and PowerShell 7 alike; paths through Join-Path, so any separator works.
param([Parameter(Mandatory = $true)][string]$Root)
$ErrorActionPreference = 'Stop'

$watchedDirs = @('src/KafkaDemos')
$watchedFiles = @('appsettings.json', 'Directory.Build.props', 'Directory.Packages.props')
$extensions = @('.cs', '.csproj', '.props', '.json', '.html', '.css', '.js')
$skipped = @('bin', 'obj')

$stamp = Join-Path $Root '.demo/build-stamp'
if (-not (Test-Path -LiteralPath (Join-Path $Root '.demo/bin/demo.dll')) -or -not (Test-Path -LiteralPath $stamp)) { exit 1 }
$built = (Get-Item -LiteralPath $stamp).LastWriteTimeUtc

function Test-Newer([System.IO.FileInfo]$file) {
  ($extensions -contains $file.Extension.ToLowerInvariant()) -and $file.LastWriteTimeUtc -gt $built
}

foreach ($name in $watchedFiles) {
  $path = Join-Path $Root $name
  if ((Test-Path -LiteralPath $path) -and (Test-Newer (Get-Item -LiteralPath $path))) { exit 1 }
}
foreach ($name in $watchedDirs) {
  $dir = Join-Path $Root $name
  if (-not (Test-Path -LiteralPath $dir)) { continue }
  $prefix = (Get-Item -LiteralPath $dir).FullName.Length
  foreach ($file in Get-ChildItem -LiteralPath $dir -Recurse -File) {
    $segments = $file.DirectoryName.Substring($prefix).Split([char[]]@('\', '/'), [System.StringSplitOptions]::RemoveEmptyEntries)
    if (@($segments | Where-Object { $skipped -contains $_ }).Count -gt 0) { continue }
    if (Test-Newer $file) { exit 1 }
  }
}
exit 0
