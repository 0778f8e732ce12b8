# Evaluates module.nix and package.nix against stubs (./stub-lib.nix, a pkgs with the four
# functions the module calls) and returns what the check in tests/upgrade asserts.
let
  lib = import ./stub-lib.nix;
  package = { outPath = "/nix/store/stub-mcp-agent"; };
  pkgs = {
    formats.toml = _: {
      type = "toml";
      generate = name: value: { outPath = "/nix/store/stub-${name}"; inherit value; };
    };
    callPackage = _: _: package;
    writeShellScript = name: text: "/nix/store/stub-${name}:${text}";
  };
  settings = { name = "rift"; address = "100.64.0.2"; listen = "100.64.0.2:7443"; };
  evaluated = import ../module.nix {
    inherit lib pkgs;
    config.services.mcp-agent = {
      enable = true;
      inherit package settings;
      user = "mcp";
      group = "mcp";
    };
  };
  disabled = import ../module.nix {
    inherit lib pkgs;
    config.services.mcp-agent = {
      enable = false;
      inherit package settings;
      user = "mcp";
      group = "mcp";
    };
  };
  c = evaluated.config;
  unit = c.systemd.services.mcp-agent;
  drv = import ../package.nix {
    inherit lib;
    stdenvNoCC = { hostPlatform.isAarch64 = true; mkDerivation = attrs: attrs; };
    artifacts.arm64 = "/tmp/mcp-agent-linux-arm64";
  };
in
{
  options = builtins.attrNames evaluated.options.services.mcp-agent;
  execStart = unit.serviceConfig.ExecStart;
  execStartPre = unit.serviceConfig.ExecStartPre;
  user = unit.serviceConfig.User;
  stateDirectory = unit.serviceConfig.StateDirectory;
  settingsDefaults = c.services.mcp-agent.settings;
  etc = c.environment.etc."mcp/agent.toml".source.outPath;
  podman = c.virtualisation.podman.enable;
  nixLd = c.programs.nix-ld.enable;
  users = builtins.attrNames c.users.users;
  tmpfiles = c.systemd.tmpfiles.rules;
  disabledConfig = disabled.config;
  packageSrc = drv.src;
  packageInstall = drv.installPhase;
  packageNoStrip = drv.dontStrip;
}
