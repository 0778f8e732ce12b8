export { exampleService, type ExampleOptions } from './example.js';
export { startFleet, type CliResult, type Fleet, type FleetOptions } from './fleet.js';
export { type FleetMaster } from './master-node.js';
export { type FleetAgent, type FleetNodeOptions } from './agent-node.js';
export { type FleetEdge } from './edge-node.js';
export { PROGRAMS } from './paths.js';
export { runDemo } from './demo.js';
