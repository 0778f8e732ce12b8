export { DefinitionError, type DefinitionLocation } from './errors.js';
export { parseServiceDefinition, validateServiceSpec, WIRE_FILE } from './parse.js';
export { formatCpu, formatSize, parseCpu, parseSize } from './quantity.js';
export {
  checkServiceSpec,
  DNS_LABEL,
  imageVersion,
  portVariable,
  type RuleViolation,
} from './rules.js';
