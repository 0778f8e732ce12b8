# Just enough of nixpkgs' lib for module.nix to evaluate here without nixpkgs (no network):
# options are returned as written and mkIf/mkDefault are applied at once, with no merging.
{
  mkOption = option: option;
  mkEnableOption = what: {
    type = "bool";
    default = false;
    description = "Whether to enable ${what}.";
  };
  mkIf = condition: content: if condition then content else { };
  mkDefault = value: value;
  literalExpression = text: { _type = "literalExpression"; inherit text; };
  types = { package = "package"; str = "str"; };
}
