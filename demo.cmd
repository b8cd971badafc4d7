@echo off
rem Launcher for Windows (cmd and PowerShell), as ./demo is elsewhere: builds the CLI when its
rem sources changed, then runs it with the given arguments.
rem   demo produce --mode async
rem The rule for "changed" is eng\demo-stale.ps1 (the same as ./demo's); without PowerShell it builds.
setlocal
set "root=%~dp0"
set "root=%root:~0,-1%"
set "out=%root%\.demo\bin"
set "stamp=%root%\.demo\build-stamp"
set "log=%root%\.demo\build.log"

powershell.exe -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File "%root%\eng\demo-stale.ps1" -Root "%root%" >nul 2>nul
if not errorlevel 1 goto run

where dotnet >nul 2>nul
if errorlevel 1 goto nosdk
echo Building demo ... 1>&2
if not exist "%root%\.demo" mkdir "%root%\.demo"
dotnet build "%root%\src\KafkaDemos\KafkaDemos.csproj" -c Release -o "%out%" --nologo >"%log%" 2>&1
if errorlevel 1 goto buildfailed
type nul >"%stamp%"

:run
dotnet "%out%\demo.dll" %*
exit /b %errorlevel%

:nosdk
echo demo: the .NET SDK (dotnet) is needed to build; see README.md 1>&2
exit /b 2

:buildfailed
findstr /i /c:"error" "%log%" 1>&2 || type "%log%" 1>&2
echo demo: build failed (full log: %log%) 1>&2
exit /b 2
