# The agent artifact of @mcp/release as a package: the single executable for the system's
# architecture, installed as bin/mcp-agent. Not stripped or patched: the executable carries its
# code and the SQLite addon in a section that strip would drop; nix-ld supplies the loader.
{ lib, stdenvNoCC, version ? "0.1.0", artifacts ? { } }:

let
  arch = if stdenvNoCC.hostPlatform.isAarch64 then "arm64" else "amd64";
  # TODO: no release is published yet, so there are no URLs and hashes to pin here; until then
  # pass `artifacts.<arch>` (a path to the file mcp-release built).
  src = artifacts.${arch} or (throw "mcp-agent: set artifacts.${arch} to mcp-agent-linux-${arch}");
in
stdenvNoCC.mkDerivation {
  pname = "mcp-agent";
  inherit version src;
  dontUnpack = true;
  dontStrip = true;
  dontPatchELF = true;
  installPhase = ''
    install -D -m 0755 $src $out/bin/mcp-agent
  '';
  meta = {
    description = "mcp compute agent (Node single executable application)";
    platforms = [ "x86_64-linux" "aarch64-linux" ];
    mainProgram = "mcp-agent";
  };
}
