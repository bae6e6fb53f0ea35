// The header: where we are (mode, namespace, endpoint), how the connection is, counts by state, the event rate.
import { Text } from 'ink';
import { stateClass, type StateClass } from '../domain/index.js';
import type { Snapshot } from '../hooks/useSnapshot.js';
import { age, sanitize, sparkline, truncate } from './text.js';
import { STATE_SYMBOL, type Theme } from '../theme.js';

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

export function Header({ snapshot, mode, namespace, endpoint, width, now, theme }: {
  snapshot: Snapshot; mode: string; namespace: string; endpoint: string; width: number; now: number; theme: Theme;
}) {
  const h = health(snapshot, now);
  const rate = snapshot.eventRate.slice(-20);
  const perSecond = rate.at(-2) ?? 0;
  const counts: Record<StateClass, number> = { running: 0, transition: 0, stopped: 0, failed: 0, terminated: 0, unknown: 0 };
  for (const [state, n] of Object.entries(snapshot.containerStates)) counts[stateClass(state)] += n;
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
        {`${snapshot.objects.nodecluster.size} clusters · ${snapshot.objects.node.size} nodes · ${snapshot.objects.stack.size} stacks · ` +
          `${snapshot.objects.service.size} services · containers `}
        <Text color={theme.state.running}>{`${STATE_SYMBOL.running} ${counts.running} `}</Text>
        <Text color={theme.state.transition}>{`${STATE_SYMBOL.transition} ${counts.transition} `}</Text>
        <Text color={theme.state.stopped}>{`${STATE_SYMBOL.stopped} ${counts.stopped} `}</Text>
        <Text color={theme.state.terminated}>{`${STATE_SYMBOL.terminated} ${counts.terminated}`}</Text>
        {snapshot.stale && snapshot.staleSince ? <Text color={theme.fg.warning}>{` · data ${age(snapshot.staleSince, now)} old`}</Text> : null}
      </Text>
    </>
  );
}

/** The banner while the API is away: retries, the next attempt, the age of what is shown. */
export function Banner({ snapshot, now, width, theme }: { snapshot: Snapshot; now: number; width: number; theme: Theme }) {
  const h = snapshot.health;
  let text: string | null = null;
  if (h.state === 'reconnecting') {
    text = `API unreachable (${h.error}) · retry ${h.attempt} in ${Math.max(0, Math.ceil((h.nextAttemptAt - now) / 1000))} s · ` +
      `showing data from ${snapshot.staleSince ? age(snapshot.staleSince, now) : '?'} ago`;
  } else if (h.state === 'auth_failed') {
    text = `Authentication failed: ${h.error} · check DOCKERCLOUD_USER / DOCKERCLOUD_APIKEY`;
  } else if (snapshot.error) {
    text = snapshot.error;
  }
  if (!text) return null;
  return <Text wrap="truncate" inverse color={h.state === 'auth_failed' ? theme.fg.error : theme.fg.warning}>{` ${truncate(text, width - 2)} `}</Text>;
}
