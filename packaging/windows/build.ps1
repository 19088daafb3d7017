# Build FluxDesk for Windows: one-folder bundle, optional one-file exe, Inno Setup installer.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Venv .venv-build] [-OneFile] [-NoInstaller]
#
# Needs: Python 3.10+ (py launcher or python on PATH); Inno Setup 6 (iscc.exe on PATH or in
# its default folder) for the installer -- `choco install innosetup` or `winget install JRSoftware.InnoSetup`.
# Produces: dist\fluxdesk\fluxdesk.exe, dist\FluxDesk-<version>-windows-x64-setup.exe,
#           with -OneFile also dist\fluxdesk-onefile.exe
param(
    [string]$Venv = "",
    [switch]$OneFile,
    [switch]$NoInstaller
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

$Py = if ($env:PYTHON) { $env:PYTHON } else { "python" }
if ($Venv) {
    if (-not (Test-Path (Join-Path $Venv "Scripts\python.exe"))) {
        Write-Host "==> creating venv $Venv"
        & $Py -m venv $Venv
        if ($LASTEXITCODE) { throw "venv creation failed" }
    }
    $Py = (Resolve-Path (Join-Path $Venv "Scripts\python.exe")).Path
    & $Py -m pip install --quiet --upgrade pip
    & $Py -m pip install --quiet ".[bundle]" pyinstaller-hooks-contrib
    if ($LASTEXITCODE) { throw "pip install failed" }
}

$Version = (& $Py packaging\_version.py).Trim()
Write-Host "==> FluxDesk $Version"

# The spec regenerates the version resource into the work folder on every build; this keeps
# the committed copy (for manual PyInstaller runs) in sync too.
& $Py packaging\windows\gen_version_info.py
if ($LASTEXITCODE) { throw "gen_version_info failed" }

$sw = [Diagnostics.Stopwatch]::StartNew()
& $Py -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\fluxdesk.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }
if ($OneFile) {
    $env:FLUXDESK_ONEFILE = "1"
    & $Py -m PyInstaller --noconfirm --log-level WARN --distpath build\onefile-dist --workpath build\onefile packaging\fluxdesk.spec
    Remove-Item Env:FLUXDESK_ONEFILE
    if ($LASTEXITCODE) { throw "PyInstaller (onefile) failed" }
    Move-Item -Force build\onefile-dist\fluxdesk.exe dist\fluxdesk-onefile.exe
}
Write-Host ("==> PyInstaller done in {0:N0} s" -f $sw.Elapsed.TotalSeconds)

# Windowed exe: --version output goes nowhere visible, so check the exit code only.
$p = Start-Process -FilePath dist\fluxdesk\fluxdesk.exe -ArgumentList "--version" -Wait -PassThru -NoNewWindow
if ($p.ExitCode -ne 0) { throw "bundle --version exited $($p.ExitCode)" }

if (-not $NoInstaller) {
    $Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
    if (-not $Iscc) {
        foreach ($c in @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
                         "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe")) {
            if (Test-Path $c) { $Iscc = $c; break }
        }
    }
    if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) not found; install it or pass -NoInstaller" }
    $Source = (Resolve-Path dist\fluxdesk).Path
    & $Iscc /Qp "/DAppVersion=$Version" "/DSourceDir=$Source" packaging\windows\fluxdesk.iss
    if ($LASTEXITCODE) { throw "ISCC failed" }
    Write-Host "==> dist\FluxDesk-$Version-windows-x64-setup.exe"
}
