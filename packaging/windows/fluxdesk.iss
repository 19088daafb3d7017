; Inno Setup 6 script for FluxDesk (Windows x64).
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\fluxdesk packaging\windows\fluxdesk.iss
;
; build.ps1 passes both defines; the values below are fallbacks for a manual run from the
; repo root. Output: dist\FluxDesk-<version>-windows-x64-setup.exe
; The installer asks "for me only" (per-user, no admin, %LOCALAPPDATA%\Programs) or
; "for all users" (admin, Program Files); /CURRENTUSER or /ALLUSERS select it silently.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\fluxdesk"
#endif
#define AppName "FluxDesk"
#define AppExe "fluxdesk.exe"
#define AppPublisher "FluxDesk"

[Setup]
; A fixed AppId keeps upgrades and the uninstaller tied together -- never change it.
AppId={{6F1B3C2E-5A47-4C8B-9E2D-7D3F1A9C4B10}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install by default; the dialog lets the user choose all-users (needs admin).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename={#AppName}-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\fluxdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
; The user's library, settings and keyring entry are left in place on uninstall.

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; Remove the previous version's bundle so stale DLLs cannot linger after an upgrade.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "FluxDesk.FluxDesk"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
