// The monitor: header, the table of the current view (or the inspector, or help), log panes split beside or
// below, a status line and a line for hints or input. Every key goes through one reducer (interaction.ts), one
// key at a time, against the state the key before it left; this component draws that state and carries out the
// effects the reducer asks for.
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Operation, WireObject } from '../domain/index.js';
import { useMonitor } from '../hooks/context.js';
import { useLogPanes } from '../hooks/useLogPanes.js';
import { currentCrumb, initialNav, type NavState } from '../hooks/useNavigation.js';
import { useOperations, useStatus } from '../hooks/useOperations.js';
import { useSnapshot } from '../hooks/useSnapshot.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { splitKeys, type KeyPress, type ViewName } from '../keys/index.js';
import { AGE_TICK_MS, COLUMNS, layoutColumns } from './columns.js';
import { Banner, Header } from './Header.js';
import { Help, helpLines } from './Help.js';
import { Inspect, inspectLines } from './Inspect.js';
import {
  cursorIn, focusedPane, initialUi, listed, opAllowed, questionLine, reduceKey, type Effect, type KeyEnv, type Prompt, type UiState,
} from './interaction.js';
import { layoutOf } from './layout.js';
import { LogPaneView, NO_DATA, visualLines } from './LogPaneView.js';
import { rowsFor, type Row } from './rows.js';
import { Table } from './Table.js';
import { truncate } from './text.js';

const VIEW_TITLES: Record<ViewName, string> = {
  nodecluster: 'node clusters', node: 'nodes', stack: 'stacks', service: 'services', container: 'containers', action: 'actions', events: 'events',
};

export interface AppProps {
  /** Restores where the person was (after an exec session, or a namespace switch). */
  initial?: NavState;
  onNavChange?: (nav: NavState) => void;
  onSwitchNamespace?: (namespace: string) => void;
  /** A message for the status line on arrival (how an exec session ended). */
  initialStatus?: string;
}

export function App({ initial, onNavChange, onSwitchNamespace, initialStatus }: AppProps) {
  const monitor = useMonitor();
  const { keymap, theme, readonly } = monitor;
  const { exit } = useApp();
  const snapshot = useSnapshot();
  const { columns: width, rows: height } = useTerminalSize();
  const [ui, setUi] = useState<UiState>(() => initialUi(initial ?? initialNav(monitor.firstView)));
  // The state keys move: several keys can arrive before React renders again, and each must see the one before.
  const uiRef = useRef(ui);
  const { status, setStatus } = useStatus();
  const operate = useOperations(setStatus);
  const logs = useLogPanes();
  const [suspended, setSuspended] = useState(false);
  const [, setTick] = useState(0);
  const top = useRef(0);
  const changedAt = useRef(new Map<string, number>());
  const now = Date.now();

  useEffect(() => {
    onNavChange?.(ui.nav);
  }, [ui.nav, onNavChange]);
  useEffect(() => {
    if (initialStatus) setStatus({ text: initialStatus, level: 'info' });
    else if (monitor.warnings.length) setStatus({ text: monitor.warnings.join(' · '), level: 'error' });
  }, [monitor.warnings, setStatus, initialStatus]);
  // A question is on screen once a frame went out after the key that asked it: only keys read after that answer
  // it. Frames are counted as Ink writes them; where it does not say (tests), commits stand in for them.
  const commits = useRef(0);
  useLayoutEffect(() => {
    commits.current++;
  });
  const framesWritten = monitor.framesWritten ?? (() => commits.current);
  // The backend's verbs: a cluster's scale is its update (PATCH target_num_nodes).
  const unsupportedHere = (v: ViewName, op: Operation) => monitor.unsupported?.[v]?.[op === 'scale' && v === 'nodecluster' ? 'update' : op];

  // Rows changed in this snapshot light up for a second.
  for (const uri of snapshot.changed) changedAt.current.set(uri, snapshot.at);
  const highlighted = useMemo(() => {
    const set = new Set<string>();
    for (const [uri, at] of changedAt.current) {
      if (now - at < 1000) set.add(uri);
      else changedAt.current.delete(uri);
    }
    return set;
  }, [snapshot, now]);
  // A clock only while something moves with it (fading highlights, a reconnect countdown): idle means no renders.
  const ticking = highlighted.size > 0 || snapshot.health.state === 'reconnecting';
  useEffect(() => {
    if (!ticking) return;
    const timer = setTimeout(() => setTick((t) => t + 1), 500);
    return () => clearTimeout(timer);
  });

  // The rows of any navigation state, on the snapshot on screen: the frame and the keys read the same ones.
  const rowsOf = useMemo(() => {
    const cache = new Map<string, Row[]>();
    return (nav: NavState): Row[] => {
      const crumb = currentCrumb(nav);
      const key = JSON.stringify([crumb.view, crumb.parent, nav.filter, nav.sort, nav.allTerminated]);
      let rows = cache.get(key);
      if (!rows) cache.set(key, (rows = rowsFor(snapshot, crumb, nav.filter, nav.sort, nav.allTerminated, snapshot.at)));
      return rows;
    };
  }, [snapshot]);

  const crumb = currentCrumb(ui.nav);
  const view = crumb.view;
  const columns = COLUMNS[view];
  const rows = rowsOf(ui.nav);
  // Ages ("5s", "3m") move with the clock even when nothing else does: a slow tick, and rows re-render only when
  // that tick moved (Table's memo), so an idle fleet costs a render every AGE_TICK_MS and writes only changed ages.
  const ageClock = Math.floor(now / AGE_TICK_MS) * AGE_TICK_MS;
  const ctx = useMemo(() => ({ snapshot, now: Math.max(snapshot.at, ageClock) }), [snapshot, ageClock]);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), AGE_TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const banner = snapshot.health.state !== 'live' || snapshot.error ? 1 : 0;
  const layout = layoutOf(ui, width, height, banner);
  const { main, tableWidth, tableHeight, bodyRows, zoomPane } = layout;
  const widths = useMemo(() => layoutColumns(columns, tableWidth - 2), [columns, tableWidth]);

  const cursor = cursorIn(rows, ui.nav);
  if (cursor < top.current) top.current = cursor;
  if (cursor >= top.current + bodyRows) top.current = cursor - bodyRows + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, rows.length - bodyRows)));
  const selected = rows[cursor];
  const marks = useMemo(() => new Set(ui.nav.marks), [ui.nav.marks]);
  const pane = focusedPane(ui);

  const overlayLinesOf = (state: UiState): string[] => {
    const overlay = state.overlay;
    if (overlay?.kind === 'help') return helpLines(keymap.all(), readonly);
    const object = overlay?.uri ? findObject(snapshot, overlay.uri) : undefined;
    return object ? inspectLines(object, snapshot, now) : [];
  };
  const overlayLines = overlayLinesOf(ui);
  const inspected = ui.overlay?.kind === 'inspect' && ui.overlay.uri ? findObject(snapshot, ui.overlay.uri) : undefined;

  // What the reducer sees of the screen, as drawn by this render.
  const env: KeyEnv = {
    keymap, readonly, confirm: monitor.confirm,
    rows: rowsOf,
    layout: (state) => layoutOf(state, width, height, banner),
    widths: (state) => layoutColumns(COLUMNS[currentCrumb(state.nav).view], layoutOf(state, width, height, banner).tableWidth - 2),
    overlayLength: (state) => overlayLinesOf(state).length,
    paneLines: (p, state) => visualLines(logs.data.get(p.id)?.lines ?? [], p, layoutOf(state, width, height, banner).paneWidth),
    framesWritten,
    unsupported: unsupportedHere,
  };
  const envRef = useRef(env);
  envRef.current = env;

  const runEffect = (effect: Effect) => {
    switch (effect.type) {
      case 'status': return setStatus(effect.status);
      case 'operate': {
        const r = effect.request;
        return void operate(r.op, r.objects, r.view, r.label, effect.target, listed(r.skipped));
      }
      case 'logs.open': case 'logs.reopen': return logs.open(effect.pane.id, effect.pane.uri, effect.pane.tail);
      case 'logs.close': return logs.close(effect.id);
      case 'logs.clear': return logs.clear(effect.id);
      case 'logs.save': return saveLogs(effect.pane.title, logs.linesOf(effect.pane.id));
      case 'exec':
        // The runner unmounts this app while the shell has the terminal, and renders a new one after: where the
        // keys left the person (not the last frame) is where they come back to.
        onNavChange?.(uiRef.current.nav);
        setSuspended(true);
        return void monitor.runExec(effect.uri, monitor.execCommand);
      case 'namespace': return onSwitchNamespace?.(effect.namespace);
      case 'exit': return exit();
    }
  };
  const runEffectRef = useRef(runEffect);
  runEffectRef.current = runEffect;
  const saveLogs = (title: string, lines: readonly { time: number; source: string | undefined; text: string }[]) => {
    const file = `dctop-logs-${title.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    try {
      writeFileSync(file, lines.map((l) => `${new Date(l.time).toISOString()} ${l.source ? `${l.source} ` : ''}${l.text}`).join('\n') + '\n');
      setStatus({ text: `saved ${lines.length} lines to ${resolve(file)}`, level: 'success' });
    } catch (error) {
      setStatus({ text: `could not save: ${(error as Error).message}`, level: 'error' });
    }
  };

  // One stable handler: each key of a read is reduced in turn, its effects run before the next key is looked at.
  const onInput = useCallback((input: string, key: KeyPress) => {
    for (const press of splitKeys(input, key)) {
      const result = reduceKey(uiRef.current, press.input, press.key, envRef.current);
      uiRef.current = result.ui;
      for (const effect of result.effects) runEffectRef.current(effect);
    }
    setUi(uiRef.current);
  }, []);
  useInput(onInput, { isActive: !suspended });

  if (suspended) return null;

  const nav = ui.nav;
  const title = ` ${VIEW_TITLES[view]}${crumb.label ? ` of ${crumb.label}` : ''} (${rows.length})` +
    `${nav.filter ? ` /${nav.filter}/` : ''}${nav.sort.column >= 0 ? ` sort:${columns[nav.sort.column]?.header.toLowerCase()}${nav.sort.reverse ? '↓' : '↑'}` : ''}` +
    `${nav.marks.length ? ` · ${nav.marks.length} marked` : ''}${nav.allTerminated ? ' · all terminated shown' : ''}`;
  const crumbs = nav.path.map((c) => c.label ?? VIEW_TITLES[c.view]).join(' › ');
  // Only what the selected object's state allows is offered.
  const available = keymap.available(pane ? 'logs' : 'table', pane ? null : view);
  const helpKey = available.find((c) => c.id === 'help')?.keys[0] ?? '?';
  const hints = available
    .filter((c) => c.hint && c.id !== 'help' && (!c.operation || pane ||
      (selected !== undefined && opAllowed(selected.object, c.operation, view) && !unsupportedHere(view, c.operation))))
    .sort((a, b) => Number(b.scope !== 'global') - Number(a.scope !== 'global')) // what this view can do first
    .map((c) => `${c.keys[0]} ${c.hint}`).join(' · ');

  const overlay = ui.overlay;
  const tableOrOverlay = overlay ? (
    overlay.kind === 'help'
      ? <Help lines={overlayLines} offset={overlay.offset} width={tableWidth} height={tableHeight} theme={theme} />
      : <Inspect lines={overlayLines} title={inspected ? String(inspected['name'] ?? inspected['uuid'] ?? '') : 'gone'} offset={overlay.offset} width={tableWidth} height={tableHeight} theme={theme} />
  ) : (
    <Table rows={rows} columns={columns} widths={widths} height={bodyRows} cursor={cursor} top={top.current}
      marks={marks} highlighted={highlighted} stale={snapshot.stale} ctx={ctx} theme={theme} />
  );
  const panes = ui.panes;
  const logArea = zoomPane ? (
    <LogPaneView pane={zoomPane} data={logs.data.get(zoomPane.id) ?? NO_DATA} width={width} height={main} focused theme={theme} />
  ) : panes.map((p) => (
    <LogPaneView key={p.id} pane={p} data={logs.data.get(p.id) ?? NO_DATA} width={layout.paneWidth} height={layout.paneHeight}
      focused={ui.focus === p.id} theme={theme} />
  ));

  return (
    <Box flexDirection="column" width={width}>
      <Header snapshot={snapshot} mode={monitor.mode} namespace={monitor.namespace} endpoint={monitor.endpoint} width={width} now={now} theme={theme} />
      {banner ? <Banner snapshot={snapshot} now={now} width={width} theme={theme} /> : null}
      <Text wrap="truncate" bold color={ui.focus === 0 ? theme.fg.accent : theme.fg.muted}>
        {truncate(`${title}   ${crumbs}`, width)}
      </Text>
      {ui.beside && panes.length && !zoomPane ? (
        <Box flexDirection="row">
          <Box flexDirection="column" width={tableWidth}>{tableOrOverlay}</Box>
          <Box flexDirection="column" width={1}>{Array.from({ length: main }, (_, i) => <Text key={i} color={theme.fg.muted}>│</Text>)}</Box>
          <Box flexDirection="column" width={layout.logRoom}>{logArea}</Box>
        </Box>
      ) : (
        <>
          {zoomPane ? null : tableOrOverlay}
          {logArea}
        </>
      )}
      <Text wrap="truncate" color={status?.level === 'error' ? theme.fg.error : status?.level === 'success' ? theme.state.running : status?.level === 'progress' ? theme.fg.warning : theme.fg.muted}>
        {truncate(status ? ` ${status.text}` : ` ${readonly ? 'read-only · ' : ''}${snapshot.complete ? 'ready' : 'loading…'}`, width)}
      </Text>
      <BottomLine prompt={ui.prompt} hints={hints} helpKey={helpKey} width={width} />
    </Box>
  );
}

function BottomLine({ prompt, hints, helpKey, width }: { prompt: Prompt | null; hints: string; helpKey: string; width: number }) {
  const { theme } = useMonitor();
  if (!prompt) {
    // The way to every other key stays visible however narrow the terminal.
    const help = ` · ${helpKey} help`;
    return <Text wrap="truncate" color={theme.fg.muted}>{truncate(`${truncate(` ${hints}`, width - help.length)}${help}`, width)}</Text>;
  }
  let line: string;
  if (prompt.kind === 'confirm') line = questionLine(prompt, width);
  else {
    const label = prompt.kind === 'command' ? ':' : prompt.kind === 'filter' || prompt.kind === 'logsearch' ? '/'
      : `scale ${prompt.request.objects.length === 1 ? String(prompt.request.objects[0]!['name']) : `${prompt.request.objects.length} objects`} to: `;
    line = `${label}${prompt.text}█`;
  }
  return (
    <Text wrap="truncate" color={prompt.kind === 'confirm' ? theme.fg.error : theme.fg.accent}>
      {truncate(line, width)}
    </Text>
  );
}

function findObject(snapshot: ReturnType<typeof useSnapshot>, uri: string): WireObject | undefined {
  for (const map of Object.values(snapshot.objects)) {
    const o = (map as ReadonlyMap<string, WireObject>).get(uri);
    if (o) return o;
  }
  return undefined;
}
