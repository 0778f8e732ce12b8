# services.mcp-agent: the mcp compute agent on a NixOS node, run from /srv/mcp/mcp-agent so that
# `mcp agent upgrade` replaces it over SSH exactly as on Debian. The package only seeds that file
# on first start; from then on the file belongs to the upgrades.
{ config, lib, pkgs, ... }:

let
  cfg = config.services.mcp-agent;
  toml = pkgs.formats.toml { };
  configFile = toml.generate "mcp-agent.toml" cfg.settings;
  binary = "/srv/mcp/mcp-agent";
in
{
  options.services.mcp-agent = {
    enable = lib.mkEnableOption "the mcp agent (default: false)";

    package = lib.mkOption {
      type = lib.types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = ''
        The agent artifact (a Node single executable). Copied to ${binary} when that file is
        absent; later versions arrive with `mcp agent upgrade`. Default: ./package.nix, which
        takes the release artifact of the system's architecture.
      '';
    };

    settings = lib.mkOption {
      type = toml.type;
      default = { };
      example = lib.literalExpression ''
        { name = "rift"; address = "100.64.0.2"; listen = "100.64.0.2:7443";
          master = "100.64.0.1:7000";
          tls = { ca_file = "/etc/mcp/ca.crt"; cert_file = "/etc/mcp/rift.crt";
                  key_file = "/var/lib/mcp-secrets/rift.key"; };
          mcias = { url = "https://mcias.example.net:8443";
                    token_file = "/var/lib/mcp-secrets/agent-rift.token"; }; }
      '';
      description = ''
        The agent's TOML (packages/agent/README.md). Defaults added here: state_dir
        /var/lib/mcp, srv_root /srv and runtime_socket /run/podman/podman.sock. The [tls] and
        [mcias] tables are required; their key_file and token_file must be files outside the
        Nix store (which anyone may read), owned by the agent's user with mode 0600, for
        example placed by agenix or sops-nix; the agent refuses to start otherwise.
      '';
    };

    user = lib.mkOption {
      type = lib.types.str;
      default = "mcp";
      description = "User the agent runs as (default: mcp), created when it is mcp.";
    };

    group = lib.mkOption {
      type = lib.types.str;
      default = "mcp";
      description = "Group of that user (default: mcp), created when it is mcp.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.mcp-agent.settings = {
      state_dir = lib.mkDefault "/var/lib/mcp";
      srv_root = lib.mkDefault "/srv";
      runtime_socket = lib.mkDefault "/run/podman/podman.sock";
    };

    virtualisation.podman.enable = true;
    virtualisation.podman.dockerSocket.enable = lib.mkDefault false;

    # The artifact is a generic Linux executable: its loader is /lib64/ld-linux-*.so, which
    # NixOS provides only through nix-ld.
    programs.nix-ld.enable = true;

    users.users = lib.mkIf (cfg.user == "mcp") {
      mcp = {
        isSystemUser = true;
        group = cfg.group;
        home = "/srv/mcp";
        extraGroups = [ "podman" ];
      };
    };
    users.groups = lib.mkIf (cfg.group == "mcp") { mcp = { }; };

    systemd.tmpfiles.rules = [ "d /srv/mcp 0755 ${cfg.user} ${cfg.group} -" ];

    environment.etc."mcp/agent.toml".source = configFile;

    systemd.services.mcp-agent = {
      description = "mcp agent";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-online.target" "podman.socket" ];
      wants = [ "network-online.target" "podman.socket" ];
      restartTriggers = [ configFile ];
      serviceConfig = {
        User = cfg.user;
        Group = cfg.group;
        StateDirectory = "mcp";
        StateDirectoryMode = "0700";
        # Seed the binary once; "+" runs it as root, before the agent's own user takes over.
        ExecStartPre = "+${pkgs.writeShellScript "mcp-agent-seed" ''
          [ -e ${binary} ] || install -m 0755 ${cfg.package}/bin/mcp-agent ${binary}
        ''}";
        ExecStart = "${binary} --config /etc/mcp/agent.toml";
        Restart = "on-failure";
        RestartSec = 2;
      };
    };
  };
}
