// A service's state and counters against its containers, by the reference's state table, where the target counts:
// Running when all its containers run and they are as many as its target, Partly running when some run, Stopped
// when none does (Not running when none was ever deployed). test/helpers/invariants.ts judges the state by the
// containers alone (a service below its target with all its containers running would be "Running" there); the
// fleets here are checked with its other rules and these.
import { violations, type FleetSnapshot } from '../../helpers/invariants.js';

/** States a service settles in; the others belong to an operation that runs. */
const SETTLED = new Set(['Running', 'Partly running', 'Stopped', 'Not running']);
const live = (o: any) => o.state !== 'Terminated';

/** The state a service's (live) containers give it. */
export function impliedState(svc: any, containers: readonly any[]): string {
  if (containers.length === 0) return svc.deployed_datetime ? 'Stopped' : 'Not running';
  const running = containers.filter((c) => c.state === 'Running').length;
  if (running === 0) return 'Stopped';
  return running === containers.length && running >= svc.target_num_containers ? 'Running' : 'Partly running';
}

/** What is wrong with one service, given its live containers: its counters, and its state when it is settled. */
export function serviceProblems(svc: any, containers: readonly any[]): string[] {
  const problems: string[] = [];
  const running = containers.filter((c) => c.state === 'Running').length;
  const stopped = containers.filter((c) => c.state === 'Stopped').length;
  const counters = `${svc.current_num_containers}/${svc.running_num_containers}/${svc.stopped_num_containers}`;
  if (counters !== `${containers.length}/${running}/${stopped}`) {
    problems.push(`${svc.name}: current/running/stopped ${counters}, its containers ${containers.length}/${running}/${stopped}`);
  }
  const implied = impliedState(svc, containers);
  if (SETTLED.has(svc.state) && svc.state !== implied) {
    problems.push(`${svc.name}: ${svc.state} with ${running} of ${containers.length} container(s) running for a target of ${svc.target_num_containers} (${implied})`);
  }
  return problems;
}

/** The shared invariants of a fleet, with the state of each service judged by serviceProblems. */
export function fleetViolations(s: FleetSnapshot): string[] {
  const problems = violations(s).filter((p) => !/: state .+ but containers say /.test(p));
  for (const svc of s.services.filter(live)) {
    const mine = s.containers.filter((c) => c.service === svc.resource_uri && live(c));
    problems.push(...serviceProblems(svc, mine).filter((p) => !p.includes('current/running/stopped'))); // counted above
  }
  return problems;
}
