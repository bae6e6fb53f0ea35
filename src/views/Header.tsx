// The header: where we are (mode, namespace, endpoint), how the connection is, counts by state, the event rate.
import { Text } from 'ink';
import { useMemo } from 'react';
import { stateClass, type StateClass } from '../domain/index.js';
import type { Snapshot } from '../hooks/useSnapshot.js';
import type { MetricsSnapshot } from '../hooks/useMetrics.js';
import { useThrottled } from '../hooks/useThrottled.js';
import { fleetUsage } from './usage.js';
import { age, sanitize, sparkline, truncate } from './text.js';
import { STATE_SYMBOL, type Theme } from '../theme.js';

const COUNTS_MS = 1000;

function health(snapshot: Snapshot, now: number): { text: string; level: 'ok' | 'warn' | 'error' } {
  const h = snapshot.health;
  switch (h.state) {
    case 'live': return snapshot.stale ? { text: '◌ resyncing', level: 'warn' } : { text: '● live', level: 'ok' };
    case 'connecting': return { text: '◌ connecting', level: 'warn' };
    case 'reconnecting': return { text: `◌ reconnecting in ${Math.max(0, Math.ceil((h.nextAttemptAt - now) / 1000))} s, attempt ${h.attempt}`, level: 'warn' };
    case 'auth_failed': return { text: '✘ auth failed', level: 'error' };
    case 'namespace_refused': return { text: '✘ namespace refused', level: 'error' };
    case 'closed': return { text: '✘ closed', level: 'error' };
  }
}

export function Header({ snapshot, usage, mode, namespace, endpoint, width, now, theme }: {
  snapshot: Snapshot; usage: MetricsSnapshot; mode: string; namespace: string; endpoint: string; width: number; now: number; theme: Theme;
}) {
  const h = health(snapshot, now);
  // Whole seconds only: the second under way changes with every event, and would redraw the line on every frame.
  const rate = snapshot.eventRate.slice(-21, -1);
  const perSecond = rate.at(-1) ?? 0;
  // The counts move on every frame under churn: once a second is as much as anyone reads (and a frame less).
  // The first complete listing shows at once.
  const throttled = useThrottled(snapshot, COUNTS_MS);
  const counted = throttled.complete === snapshot.complete ? throttled : snapshot;
  const counts: Record<StateClass, number> = { running: 0, transition: 0, stopped: 0, failed: 0, terminated: 0, unknown: 0 };
  for (const [state, n] of Object.entries(counted.containerStates)) counts[stateClass(state)] += n;
  // Once per change of the nodes or of the readings, not every frame.
  const nodes = snapshot.objects.node;
  const fleet = useMemo(() => fleetUsage(nodes.values(), usage.latest), [nodes, usage.latest]);
  const color = h.level === 'ok' ? theme.state.running : h.level === 'warn' ? theme.fg.warning : theme.fg.error;
  const left = `dctop · ${mode} · ns ${namespace} · ${endpoint}`;
  const right = ` ${sanitize(h.text)} · ${sparkline(rate)} ${perSecond}/s`;
  return (
    <>
      <Text wrap="truncate">
        <Text bold color={theme.fg.title}>{truncate(left, Math.max(10, width - right.length - 1))}</Text>
        <Text color={color}>{right}</Text>
      </Text>
      <Text wrap="truncate" color={theme.fg.muted}>
        {/* What the fleet uses first: what is eating it is the question asked at a glance. */}
        {fleet ? <Text>{`${fleet} · `}</Text> : null}
        {`${counted.objects.nodecluster.size} clusters · ${counted.objects.node.size} nodes · ${counted.objects.stack.size} stacks · ` +
          `${counted.objects.service.size} services · containers `}
        <Text color={theme.state.running}>{`${STATE_SYMBOL.running} ${counts.running} `}</Text>
        <Text color={theme.state.transition}>{`${STATE_SYMBOL.transition} ${counts.transition} `}</Text>
        <Text color={theme.state.stopped}>{`${STATE_SYMBOL.stopped} ${counts.stopped}`}</Text>
        {/* Terminated containers are gone (kept a while for T): counting them beside the others read as failures. */}
        {counts.terminated ? <Text color={theme.state.terminated}>{` · ${counts.terminated} terminated, kept a while (T lists them)`}</Text> : null}
        {!snapshot.complete ? <Text color={theme.fg.warning}>{' · no data yet'}</Text>
          : snapshot.stale && snapshot.staleSince ? <Text color={theme.fg.warning}>{` · data ${age(snapshot.staleSince, now)} old`}</Text> : null}
      </Text>
    </>
  );
}

/**
 * The banner's line while something is wrong, or null: what (the store's problem, in words), what happens next (the
 * next attempt, or none), what to do (the reconnect key tries at once), and how old the data shown is.
 */
export function bannerText(snapshot: Snapshot, now: number, reconnectKey: string): string | null {
  const h = snapshot.health;
  const inSeconds = (at: number) => `${Math.max(0, Math.ceil((at - now) / 1000))} s`;
  const shown = snapshot.staleSince ? ` · showing data from ${age(snapshot.staleSince, now)} ago` : '';
  const retryNow = reconnectKey ? ` · ${reconnectKey} retries now` : '';
  switch (h.state) {
    // What happens next first: a long cause is what the width cuts.
    case 'reconnecting':
      return `retry ${h.attempt} in ${inSeconds(h.nextAttemptAt)}${retryNow} · ${snapshot.problem ?? `the API is unreachable: ${h.cause}`}${shown}`;
    case 'connecting':
      return h.attempt > 0 && snapshot.problem ? `${snapshot.problem} · trying again…${shown}` : null;
    case 'auth_failed':
      return `next try in ${inSeconds(h.nextAttemptAt)}${retryNow} · ${snapshot.problem ?? h.error}`;
    case 'namespace_refused':
      return `${snapshot.problem ?? h.error} · not retrying: :ns another one, or ${reconnectKey || 'reconnect'} to try again`;
    default:
      return snapshot.problem ?? snapshot.error;
  }
}

export function Banner({ text, error, width, theme }: { text: string; error: boolean; width: number; theme: Theme }) {
  return <Text wrap="truncate" inverse color={error ? theme.fg.error : theme.fg.warning}>{` ${truncate(text, width - 2)} `}</Text>;
}
