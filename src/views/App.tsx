// The monitor: header, the table of the current view (or the inspector, or help), log panes split beside or
// below, a status line and a line for hints or input. Every key goes through one reducer (interaction.ts), one
// key at a time, against the state the key before it left; this component draws that state and carries out the
// effects the reducer asks for.
import { Box, useApp, useInput } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { METRICS_MAX_SUBSCRIBE, type Operation, type WireObject } from '../domain/index.js';
import { useMonitor } from '../hooks/context.js';
import { useHighlights, useTicks } from '../hooks/useHighlights.js';
import { useLogPanes } from '../hooks/useLogPanes.js';
import { currentCrumb, initialNav, type NavState } from '../hooks/useNavigation.js';
import { useOperations, useStatus } from '../hooks/useOperations.js';
import { saveLogs } from '../hooks/saveLogs.js';
import { useMetricHistory, useMetrics, useWantMetrics } from '../hooks/useMetrics.js';
import { useObjectDetails, useWholeObject } from '../hooks/useObjectDetails.js';
import { findObject, nameOf, useSnapshot } from '../hooks/useSnapshot.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { apiOperation, parseMouse, splitKeys, type KeyPress, type ViewName } from '../keys/index.js';
import { Body } from './Body.js';
import { AGE_TICK_MS, COLUMNS, layoutColumns } from './columns.js';
import { Banner, bannerText, Header } from './Header.js';
import { Help, helpLines } from './Help.js';
import { Inspect, inspectLines } from './Inspect.js';
import {
  cursorIn, focusedPane, initialUi, listed, opAllowed, reduceKey, reduceMouse, type Effect, type KeyEnv, type UiState,
} from './interaction.js';
import { layoutOf } from './layout.js';
import { BottomLine, StatusLine, TitleLine } from './Lines.js';
import { visualLines } from './LogPaneView.js';
import { RowDeriver, type Row } from './rows.js';
import { MEASURED_VIEWS, usageWanted } from './usage.js';
import { Table } from './Table.js';

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
  const metrics = useMetrics();
  const historyOf = useMetricHistory();
  const { columns: width, rows: height } = useTerminalSize();
  const [ui, setUi] = useState<UiState>(() => initialUi(initial ?? initialNav(monitor.firstView)));
  // The state keys move: several keys can arrive before React renders again, and each must see the one before.
  const uiRef = useRef(ui);
  const { status, setStatus } = useStatus();
  const operate = useOperations(setStatus);
  const logs = useLogPanes();
  const [suspended, setSuspended] = useState(false);
  const top = useRef(0);
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
  const unsupportedHere = (v: ViewName, op: Operation) => monitor.unsupported?.[v]?.[apiOperation(v, op)];

  const highlighted = useHighlights(snapshot, now);
  const counting = snapshot.health.state === 'reconnecting' || snapshot.health.state === 'auth_failed';
  useTicks(highlighted.size > 0 || counting, 500, AGE_TICK_MS);

  // The rows of any navigation state, on the snapshot on screen: the frame and the keys read the same ones. A view's
  // plain rows are derived from the last snapshot's (RowDeriver), the others computed once per snapshot.
  const deriver = useRef<RowDeriver | null>(null);
  deriver.current ??= new RowDeriver();
  const rowsOf = useMemo(() => {
    const cache = new Map<string, Row[]>();
    return (nav: NavState): Row[] => {
      const crumb = currentCrumb(nav);
      const key = JSON.stringify([crumb.view, crumb.parent, nav.filter, nav.sort, nav.allTerminated, nav.frozenAt]);
      let rows = cache.get(key);
      if (!rows) cache.set(key, (rows = deriver.current!.rows(snapshot, crumb, nav.filter, nav.sort, nav.allTerminated, nav.frozenAt, metrics)));
      return rows;
    };
  }, [snapshot, metrics]);

  // The names of a view's objects, for Tab: looked up only when asked, once per snapshot.
  const namesOf = useMemo(() => {
    const cache = new Map<ViewName, string[]>();
    return (v: ViewName): string[] => {
      let names = cache.get(v);
      if (!names) cache.set(v, (names = v === 'events' ? [] : [...(snapshot.objects[v] as ReadonlyMap<string, WireObject>).values()].map(nameOf)));
      return names;
    };
  }, [snapshot]);

  const view = currentCrumb(ui.nav).view;
  const columns = COLUMNS[view];
  const rows = rowsOf(ui.nav);
  // Ages ("5s", "3m") move with the clock even when nothing else does: rows re-render only when the slow tick
  // moved (Table's memo), so an idle fleet costs a render every AGE_TICK_MS and writes only changed ages.
  const ageClock = Math.floor(now / AGE_TICK_MS) * AGE_TICK_MS;
  const ctx = useMemo(() => ({ snapshot, now: Math.max(snapshot.at, ageClock), metrics }), [snapshot, ageClock, metrics]);

  const refused = snapshot.health.state === 'auth_failed' || snapshot.health.state === 'namespace_refused';
  const bannerLine = bannerText(snapshot, now, keymap.keysFor('reconnect')[0] ?? '');
  const banner = bannerLine ? 1 : 0;
  const layoutFor = (state: UiState) => layoutOf(state, width, height, banner, monitor.spareRows ?? 0);
  const layout = layoutFor(ui);
  const withUsage = !!monitor.metrics;
  const widths = useMemo(() => layoutColumns(columns, layout.tableWidth - 2, withUsage), [columns, layout.tableWidth, withUsage]);

  const cursor = cursorIn(rows, ui.nav);
  if (cursor < top.current) top.current = cursor;
  if (cursor >= top.current + layout.bodyRows) top.current = cursor - layout.bodyRows + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, rows.length - layout.bodyRows)));
  const selected = rows[cursor];
  const marks = useMemo(() => new Set(ui.nav.marks), [ui.nav.marks]);
  // Usage is measured only for what the screen shows (and what a sort by it needs).
  const measured = MEASURED_VIEWS.has(view) && !ui.overlay;
  const sortingByUsage = measured && columns[ui.nav.sort.column]?.usage === true;
  useWantMetrics(usageWanted({
    inspected: ui.overlay?.kind === 'inspect' ? ui.overlay.uri ?? undefined : undefined,
    visible: measured ? rows.slice(top.current, top.current + layout.bodyRows).map((r) => r.uri) : [],
    nodes: snapshot.objects.node.keys(),
    sorting: sortingByUsage ? rowsOf({ ...ui.nav, sort: { column: -1, reverse: false } }).map((r) => r.uri) : [],
  }, METRICS_MAX_SUBSCRIBE));
  const pane = focusedPane(ui);

  const inspected = ui.overlay?.kind === 'inspect' && ui.overlay.uri ? findObject(snapshot, ui.overlay.uri) : undefined;
  const details = useObjectDetails(inspected);
  const wholeOf = useWholeObject();
  const overlayLinesOf = (state: UiState): string[] => {
    const overlay = state.overlay;
    if (overlay?.kind === 'help') return helpLines(keymap.all(), readonly, monitor.configPath ?? '~/.config/dctop/config.json');
    const stored = overlay?.uri ? findObject(snapshot, overlay.uri) : undefined;
    // The details fetched for what is inspected now (the store may keep objects without them).
    const { object, note } = stored && stored === inspected ? details : { object: stored, note: null };
    const points = Math.max(10, Math.min(150, layoutFor(state).tableWidth - 52)); // the rest: the label and the value
    return object ? inspectLines(object, snapshot, { metrics, history: historyOf, points }, note) : [];
  };
  const overlayLines = overlayLinesOf(ui);

  // What the reducer sees of the screen, as drawn by this render.
  const env: KeyEnv = {
    keymap, readonly, confirm: monitor.confirm,
    rows: rowsOf,
    layout: layoutFor,
    widths: (state) => layoutColumns(COLUMNS[currentCrumb(state.nav).view], layoutFor(state).tableWidth - 2, withUsage),
    overlayLines: overlayLinesOf,
    paneLines: (p, state) => visualLines(logs.data.get(p.id)?.lines ?? [], p, layoutFor(state).paneWidth, logs.data.get(p.id)?.dropped ?? 0),
    names: namesOf,
    tableTop: () => top.current,
    object: (uri) => findObject(snapshot, uri),
    namespaces: () => monitor.namespaces ?? [monitor.namespace],
    eventsSeen: () => snapshot.eventsSeen,
    columnKeys: (state) => COLUMNS[currentCrumb(state.nav).view].map((c) => c.key),
    columnValues: (state, key) => {
      const column = COLUMNS[currentCrumb(state.nav).view].find((c) => c.key === key);
      if (!column) return [];
      // The values as filters take them (a state without its symbol), from the rows of the view without its filter.
      const values = new Set<string>();
      for (const row of rowsOf({ ...state.nav, filter: '' }).slice(0, 5000)) {
        const sortValue = column.sortValue?.(row.object, ctx);
        const v = typeof sortValue === 'string' ? sortValue : column.value(row.object, ctx);
        if (v && !/\s/.test(v)) values.add(v);
      }
      return [...values];
    },
    clipboardOff: () => (monitor.copy ? monitor.clipboardOff ?? null : 'copy needs a terminal'),
    framesWritten,
    unsupported: unsupportedHere,
  };
  const envRef = useRef(env);
  envRef.current = env;

  function copyText(text: string, what: string): void {
    const refused = monitor.copy ? monitor.copy(text) : 'copy needs a terminal';
    setStatus(refused ? { text: `copy: ${refused}`, level: 'error' } : { text: `copied ${what} to the clipboard (${text.length} characters)`, level: 'success' });
  }
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
      case 'logs.save': return setStatus(saveLogs(effect.pane.title, logs.linesOf(effect.pane.id)));
      case 'exec':
        // The runner unmounts this app while the shell has the terminal, and renders a new one after: where the
        // keys left the person (not the last frame) is where they come back to.
        onNavChange?.(uiRef.current.nav);
        setSuspended(true);
        return void monitor.runExec(effect.uri, monitor.execCommand);
      case 'namespace': return onSwitchNamespace?.(effect.namespace);
      case 'repaint': return monitor.repaint?.();
      case 'reconnect':
        monitor.store.reconnect();
        return setStatus({ text: snapshot.health.state === 'live' ? 'listing everything again…' : 'reconnecting…', level: 'info' });
      case 'copy': return copyText(effect.text, effect.what);
      case 'copy.json':
        return void wholeOf(effect.object).then(
          (whole) => copyText(JSON.stringify(whole, null, 2), `the JSON of ${nameOf(whole)}`),
          (error: unknown) => setStatus({ text: `copy: ${nameOf(effect.object)} could not be fetched whole: ${error instanceof Error ? error.message : String(error)}`, level: 'error' }));
      case 'exit': return exit();
    }
  };
  const runEffectRef = useRef(runEffect);
  runEffectRef.current = runEffect;

  // One stable handler: each key of a read is reduced in turn, its effects run before the next key is looked at.
  const onInput = useCallback((input: string, key: KeyPress) => {
    const mouse = parseMouse(input);
    if (mouse) {
      const result = reduceMouse(uiRef.current, mouse, envRef.current);
      uiRef.current = result.ui;
      for (const effect of result.effects) runEffectRef.current(effect);
      return setUi(uiRef.current);
    }
    // What the status line said was about the key before: the next key clears it (progress stays until it ends).
    setStatus((s) => (s && s.level !== 'progress' ? null : s));
    for (const press of splitKeys(input, key)) {
      const result = reduceKey(uiRef.current, press.input, press.key, envRef.current);
      uiRef.current = result.ui;
      for (const effect of result.effects) runEffectRef.current(effect);
    }
    setUi(uiRef.current);
  }, []);
  useInput(onInput, { isActive: !suspended });

  if (suspended) return null;

  // Only what the selected object's state allows is offered.
  const available = keymap.available(pane ? 'logs' : 'table', pane ? null : view);
  const keyOf = (id: string) => available.find((c) => c.id === id)?.keys[0] ?? '';
  const fixed = { command: keyOf('command'), filter: keyOf('filter'), help: keyOf('help') || '?' };
  const hints = available
    .filter((c) => c.hint && !['help', 'command', 'filter'].includes(c.id) && (!c.operation || pane ||
      (selected !== undefined && opAllowed(selected.object, c.operation, view) && !unsupportedHere(view, c.operation))))
    .sort((a, b) => Number(b.scope !== 'global') - Number(a.scope !== 'global')) // what this view can do first
    .map((c) => `${c.keys[0]} ${c.hint}`).join(' · ');

  const overlay = ui.overlay;
  const { tableWidth, tableHeight } = layout;
  const table = overlay ? (
    overlay.kind === 'help'
      ? <Help lines={overlayLines} offset={overlay.offset} search={overlay.search} width={tableWidth} height={tableHeight} theme={theme} />
      : <Inspect lines={overlayLines} title={inspected ? nameOf(inspected) : 'gone'} offset={overlay.offset} search={overlay.search} width={tableWidth} height={tableHeight} theme={theme} />
  ) : (
    <Table rows={rows} columns={columns} widths={widths} height={layout.bodyRows} cursor={cursor} top={top.current}
      marks={marks} highlighted={highlighted} stale={snapshot.stale} ctx={ctx} theme={theme} sort={ui.nav.sort} />
  );

  return (
    <Box flexDirection="column" width={width}>
      <Header snapshot={snapshot} usage={metrics} mode={monitor.mode} namespace={monitor.namespace} endpoint={monitor.endpoint} width={width} now={now} theme={theme} />
      {bannerLine ? <Banner text={bannerLine} width={width} theme={theme}
        error={refused} /> : null}
      <TitleLine nav={ui.nav} count={rows.length} columns={columns} focused={ui.focus === 0} width={width} theme={theme}
        note={view === 'events' && ui.nav.frozenAt !== null ? `paused, ${snapshot.eventsSeen - ui.nav.frozenAt} newer not shown (p goes on)`
          : sortingByUsage && rows.length > METRICS_MAX_SUBSCRIBE
            ? `sorted among the first ${METRICS_MAX_SUBSCRIBE.toLocaleString('en')} in the view's own order, the most measured at once (/ or a drill-down narrows the rest)` : ''} />
      <Body ui={ui} layout={layout} width={width} table={table} logs={logs.data} theme={theme} />
      <StatusLine status={status} width={width} theme={theme}
        idle={`${readonly ? 'read-only · ' : ''}${snapshot.complete ? 'ready' : refused ? 'nothing loaded (see above)' : 'loading…'}`} />
      <BottomLine prompt={ui.prompt} hints={hints} fixed={fixed} width={width} theme={theme} />
    </Box>
  );
}
