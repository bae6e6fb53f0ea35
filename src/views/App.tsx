// The monitor: header, the table of the current view (or the inspector, or help), log panes split beside or
// below, a status line and a line for hints or input. Keys are dispatched through the keymap (keys as data).
import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { writeFileSync } from 'node:fs';
import { allows, KINDS, type Operation, type WireObject } from '../domain/index.js';
import { useMonitor } from '../hooks/context.js';
import { useLogPanes, type LogPane } from '../hooks/useLogPanes.js';
import { currentCrumb, initialNav, useNavigation, type NavState } from '../hooks/useNavigation.js';
import { useOperations, useStatus } from '../hooks/useOperations.js';
import { useSnapshot } from '../hooks/useSnapshot.js';
import { useTerminalSize } from '../hooks/useTerminalSize.js';
import { findCommand, keyName, type KeyPress, type ViewName } from '../keys/index.js';
import { AGE_TICK_MS, COLUMNS, layoutColumns, nextSortColumn } from './columns.js';
import { Banner, Header } from './Header.js';
import { Help, helpLines } from './Help.js';
import { Inspect, inspectLines } from './Inspect.js';
import { LogPaneView, visualLines } from './LogPaneView.js';
import { matcher, rowsFor } from './rows.js';
import { Table } from './Table.js';
import { truncate } from './text.js';

const VIEW_TITLES: Record<ViewName, string> = {
  nodecluster: 'node clusters', node: 'nodes', stack: 'stacks', service: 'services', container: 'containers', action: 'actions', events: 'events',
};
/** What `:` understands, and what Tab completes. */
export const VIEW_ALIASES: Record<string, ViewName> = {
  clusters: 'nodecluster', cluster: 'nodecluster', nodecluster: 'nodecluster', nc: 'nodecluster',
  nodes: 'node', node: 'node', no: 'node',
  stacks: 'stack', stack: 'stack', st: 'stack',
  services: 'service', service: 'service', svc: 'service',
  containers: 'container', container: 'container', ctr: 'container', co: 'container',
  actions: 'action', action: 'action', ac: 'action',
  events: 'events', ev: 'events',
};
const COMMAND_WORDS = [...Object.keys(VIEW_ALIASES), 'ns', 'help', 'quit', 'q'];
/** Control characters inside a pasted or coalesced string, as the key presses they stand for. */
const CHAR_KEYS: Record<string, KeyPress> = { '\r': { return: true }, '\n': { return: true }, '\t': { tab: true }, '\u007f': { backspace: true }, '\b': { backspace: true } };
const DRILL: Partial<Record<ViewName, ViewName>> = { nodecluster: 'node', node: 'container', stack: 'service', service: 'container' };

type Prompt =
  | { kind: 'command'; text: string }
  | { kind: 'filter'; text: string }
  | { kind: 'scale'; text: string; objects: WireObject[]; view: ViewName }
  | { kind: 'confirm'; text: string; objects: WireObject[]; view: ViewName; op: Operation; label: string; typeName: string | null }
  | { kind: 'logsearch'; text: string; pane: number };

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
  const [nav, dispatch] = useNavigation(initial ?? initialNav(monitor.firstView));
  const { status, setStatus } = useStatus();
  const operate = useOperations(setStatus);
  const logs = useLogPanes();
  // The prompt lives in a ref as well: keys typed quickly arrive as several events before React re-renders, and
  // each must see what the previous one did (":" opens the command line, the next characters are its text).
  const [prompt, setPromptState] = useState<Prompt | null>(null);
  const promptRef = useRef<Prompt | null>(null);
  const setPrompt = (next: Prompt | null) => {
    promptRef.current = next;
    setPromptState(next);
  };
  const [focusState, setFocusState] = useState(0); // 0: the table; i > 0: log pane i-1
  const focusRef = useRef(0);
  const setFocus = (next: number) => {
    focusRef.current = next;
    setFocusState(next);
  };
  const focus = focusState;
  const [zoomed, setZoomed] = useState(false);
  const [beside, setBeside] = useState(false);
  const [logShare, setLogShare] = useState(0.5);
  const [overlay, setOverlay] = useState<{ kind: 'help' | 'inspect'; uri?: string; offset: number } | null>(null);
  const [suspended, setSuspended] = useState(false);
  const [, setTick] = useState(0);
  const top = useRef(0);
  const changedAt = useRef(new Map<string, number>());
  const now = Date.now();

  useEffect(() => {
    onNavChange?.(nav);
  }, [nav, onNavChange]);
  useEffect(() => {
    if (initialStatus) setStatus({ text: initialStatus, level: 'info' });
    else if (monitor.warnings.length) setStatus({ text: monitor.warnings.join(' · '), level: 'error' });
  }, [monitor.warnings, setStatus, initialStatus]);

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

  const crumb = currentCrumb(nav);
  const view = crumb.view;
  const columns = COLUMNS[view];
  const rows = useMemo(() => rowsFor(snapshot, crumb, nav.filter, nav.sort, nav.allTerminated, snapshot.at),
    [snapshot, crumb, nav.filter, nav.sort, nav.allTerminated]);
  // Ages ("5s", "3m") move with the clock even when nothing else does: a slow tick, and rows re-render only when
  // that tick moved (Table's memo), so an idle fleet costs a render every AGE_TICK_MS and writes only changed ages.
  const ageClock = Math.floor(now / AGE_TICK_MS) * AGE_TICK_MS;
  const ctx = useMemo(() => ({ snapshot, now: Math.max(snapshot.at, ageClock) }), [snapshot, ageClock]);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), AGE_TICK_MS);
    return () => clearInterval(timer);
  }, []);

  // Layout: every line accounted for, the frame one line shorter than the terminal.
  const banner = snapshot.health.state !== 'live' || snapshot.error ? 1 : 0;
  const main = Math.max(3, height - 1 - 2 - banner - 1 - 1 - 1);
  const panes = logs.panes;
  const zoomPane = zoomed && focus > 0 ? panes[focus - 1] : undefined;
  const showTable = !zoomPane;
  const logRoom = panes.length === 0 || zoomPane ? 0 : beside ? Math.floor(width * logShare) : Math.max(3 * panes.length, Math.floor(main * logShare));
  const tableWidth = beside && panes.length && !zoomPane ? width - logRoom - 1 : width;
  const tableHeight = beside || !panes.length ? main : Math.max(2, main - logRoom);
  const bodyRows = Math.max(1, tableHeight - 2);
  const widths = useMemo(() => layoutColumns(columns, tableWidth - 2), [columns, tableWidth]);

  // The cursor stays on its object while rows move.
  let cursor = nav.selected ? rows.findIndex((r) => r.uri === nav.selected) : nav.cursor;
  if (cursor < 0) cursor = Math.min(nav.cursor, rows.length - 1);
  cursor = Math.max(0, Math.min(cursor, rows.length - 1));
  if (cursor < top.current) top.current = cursor;
  if (cursor >= top.current + bodyRows) top.current = cursor - bodyRows + 1;
  top.current = Math.max(0, Math.min(top.current, Math.max(0, rows.length - bodyRows)));
  const selected = rows[cursor];
  const marks = useMemo(() => new Set(nav.marks), [nav.marks]);
  const targets = nav.marks.length ? rows.filter((r) => marks.has(r.uri)).map((r) => r.object) : selected ? [selected.object] : [];

  const moveTo = (index: number) => {
    const i = Math.max(0, Math.min(index, rows.length - 1));
    dispatch({ type: 'move', to: i, uri: rows[i]?.uri ?? null });
  };
  // Keys read the focus from the ref: several can arrive before React re-renders.
  const focusedPaneNow = (): LogPane | undefined => (focusRef.current > 0 ? panes[focusRef.current - 1] : undefined);
  const focusedPane: LogPane | undefined = focus > 0 ? panes[focus - 1] : undefined;
  const inspected = overlay?.kind === 'inspect' && overlay.uri
    ? (rows.find((r) => r.uri === overlay.uri)?.object ?? findObject(snapshot, overlay.uri)) : undefined;
  const overlayLines = overlay?.kind === 'help' ? helpLines(keymap.all(), readonly)
    : inspected ? inspectLines(inspected, snapshot, now) : [];

  const runOperation = (commandId: string) => {
    const command = findCommand(commandId);
    if (!command?.operation || targets.length === 0) return;
    const op = command.operation;
    const allowed = targets.filter((o) => opAllowed(o, op, view));
    if (allowed.length === 0) {
      setStatus({ text: `${command.description}: not possible while ${String(targets[0]!['state'])}`, level: 'error' });
      return;
    }
    if (op === 'scale') {
      setPrompt({ kind: 'scale', text: '', objects: allowed, view });
      return;
    }
    if (command.dangerous) {
      const single = allowed.length === 1 ? allowed[0]! : null;
      const typeName = single && (view === 'stack' || view === 'nodecluster') ? String(single['name']) : null;
      setPrompt({ kind: 'confirm', text: '', objects: allowed, view, op, label: command.description.replace(/ \(.*/, ''), typeName });
      return;
    }
    void operate(op, allowed, view, command.description.replace(/ \(.*/, ''));
    dispatch({ type: 'unmarkAll' });
  };

  const submitPrompt = (p: Prompt) => {
    setPrompt(null);
    switch (p.kind) {
      case 'filter':
        dispatch({ type: 'filter', filter: p.text });
        break;
      case 'logsearch':
        logs.update(p.pane, { search: p.text });
        break;
      case 'command': {
        const [word = '', ...rest] = p.text.trim().split(/\s+/);
        if (word === 'q' || word === 'quit') exit();
        else if (word === 'help') setOverlay({ kind: 'help', offset: 0 });
        else if (word === 'ns') {
          if (rest[0]) onSwitchNamespace?.(rest[0]);
          else setStatus({ text: 'usage: :ns <namespace>', level: 'error' });
        } else if (VIEW_ALIASES[word]) dispatch({ type: 'view', view: VIEW_ALIASES[word], filter: rest.join(' ') });
        else if (word) setStatus({ text: `unknown command ':${word}' (try :services, :ctr web, :ns acme, :help)`, level: 'error' });
        break;
      }
      case 'scale': {
        const n = Number(p.text);
        if (!/^\d+$/.test(p.text) || n > 1000) {
          setStatus({ text: `scale: '${p.text}' is not a number from 0 to 1000`, level: 'error' });
          return;
        }
        void operate('scale', p.objects, p.view, `Scale to ${n}:`, n);
        dispatch({ type: 'unmarkAll' });
        break;
      }
      case 'confirm': {
        const ok = p.typeName ? p.text === p.typeName : /^y(es)?$/i.test(p.text);
        if (!ok) {
          setStatus({ text: `${p.label} canceled`, level: 'info' });
          return;
        }
        void operate(p.op, p.objects, p.view, p.label);
        dispatch({ type: 'unmarkAll' });
        break;
      }
    }
  };

  /** Line editing in the prompt; pasted text (several characters in one event) is taken whole. */
  const editPrompt = (input: string, name: string, ctrl: boolean) => {
    const prompt = promptRef.current;
    if (!prompt) return;
    if (name === 'esc') return setPrompt(null);
    if (name === 'enter') return submitPrompt(prompt);
    if (name === 'tab' && prompt.kind === 'command') {
      const candidates = COMMAND_WORDS.filter((w) => w.startsWith(prompt.text));
      if (candidates.length === 1) setPrompt({ ...prompt, text: `${candidates[0]} ` });
      else if (candidates.length > 1) setStatus({ text: candidates.join(' '), level: 'info' });
      return;
    }
    let text = prompt.text;
    if (name === 'backspace') text = text.slice(0, -1);
    else if (!ctrl && input && !/[\u0000-\u001f\u007f]/.test(input)) text += input;
    else return;
    setPrompt({ ...prompt, text });
    if (prompt.kind === 'filter') dispatch({ type: 'filter', filter: text }); // filter as you type
  };

  const scrollLogs = (pane: LogPane, by: number) => {
    const lines = visualLines(pane, width).length;
    const offset = Math.max(0, Math.min(lines - 1, pane.offset + by));
    logs.update(pane.id, { offset, follow: offset === 0 });
  };

  const searchLogs = (pane: LogPane, direction: 1 | -1) => {
    const match = matcher(pane.search);
    if (!match) return;
    const lines = visualLines(pane, width);
    const current = lines.length - 1 - pane.offset;
    for (let i = current + direction; i >= 0 && i < lines.length; i += direction) {
      if (match(lines[i]!.text)) {
        logs.update(pane.id, { offset: lines.length - 1 - i, follow: false });
        return;
      }
    }
    setStatus({ text: `no more matches of /${pane.search}/`, level: 'info' });
  };

  // One stable input handler that calls the latest render's: Ink re-subscribes a changed handler only after the
  // frame is painted, and a key arriving in between would otherwise be handled with the previous frame's state.
  const latest = useRef(handleKey);
  latest.current = handleKey;
  const onInput = useCallback((input: string, key: KeyPress) => {
    // Keys typed quickly, or pasted, arrive as one string (":ctr web\r"): take them one by one.
    if (input.length > 1 && !input.includes('\u001b') && !key.ctrl && !key.meta) {
      for (const ch of input) latest.current(ch, CHAR_KEYS[ch] ?? {});
    } else latest.current(input, key);
  }, []);
  useInput(onInput, { isActive: !suspended });

  function handleKey(input: string, key: KeyPress): void {
    const name = keyName(input, key);
    if (name === 'ctrl+c') return exit();
    if (promptRef.current) return editPrompt(input, name, !!key.ctrl || !!key.meta);
    const focusedPane = focusedPaneNow();
    const scope = focusedPane ? 'logs' : 'table';
    const command = keymap.match(name, scope, focusedPane ? null : view);
    if (overlay) {
      const id = command?.id;
      const page = main - 2;
      if (name === 'esc' || id === 'help' || (overlay.kind === 'inspect' && id === 'inspect') || id === 'quit') setOverlay(null);
      else if (id === 'down' || id === 'up' || id === 'pagedown' || id === 'pageup' || id === 'top' || id === 'bottom') {
        const delta = { down: 1, up: -1, pagedown: page, pageup: -page, top: -1e9, bottom: 1e9 }[id];
        setOverlay({ ...overlay, offset: Math.max(0, Math.min(overlayLines.length - 1, overlay.offset + delta)) });
      }
      return;
    }
    if (!command) return;
    const id = command.id;
    if (id.startsWith('view.')) return dispatch({ type: 'view', view: id.slice(5) as ViewName });
    if (id.startsWith('op.')) return runOperation(id);
    if (focusedPane) {
      const pane = focusedPane;
      const page = Math.max(1, (zoomPane ? main : logRoom) - 2);
      switch (id) {
        case 'up': return scrollLogs(pane, 1);
        case 'down': return scrollLogs(pane, -1);
        case 'pageup': return scrollLogs(pane, page);
        case 'pagedown': return scrollLogs(pane, -page);
        case 'top': return scrollLogs(pane, 1e9);
        case 'bottom': case 'logs.follow': return logs.update(pane.id, { offset: 0, follow: true });
        case 'logs.wrap': return logs.update(pane.id, { wrap: !pane.wrap });
        case 'logs.timestamps': return logs.update(pane.id, { timestamps: !pane.timestamps });
        case 'filter': return setPrompt({ kind: 'logsearch', text: pane.search, pane: pane.id });
        case 'logs.next': return searchLogs(pane, 1);
        case 'logs.prev': return searchLogs(pane, -1);
        case 'logs.clear': return logs.clear(pane.id);
        case 'logs.more': return logs.more(pane.id);
        case 'logs.save': {
          const file = `dctop-logs-${pane.title.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
          try {
            writeFileSync(file, pane.lines.map((l) => `${new Date(l.time).toISOString()} ${l.source ? `${l.source} ` : ''}${l.text}`).join('\n') + '\n');
            setStatus({ text: `saved ${pane.lines.length} lines to ${file}`, level: 'success' });
          } catch (error) {
            setStatus({ text: `could not save: ${(error as Error).message}`, level: 'error' });
          }
          return;
        }
        case 'logs.close': case 'back': {
          if (id === 'back' && pane.search) return logs.update(pane.id, { search: '' });
          logs.close(pane.id);
          setFocus(0);
          setZoomed(false);
          return;
        }
        default: break;
      }
    }
    switch (id) {
      case 'quit': return exit();
      case 'help': return setOverlay({ kind: 'help', offset: 0 });
      case 'command': return setPrompt({ kind: 'command', text: '' });
      case 'filter': return setPrompt({ kind: 'filter', text: nav.filter });
      case 'back': return dispatch({ type: 'back' });
      case 'down': return moveTo(cursor + 1);
      case 'up': return moveTo(cursor - 1);
      case 'pagedown': return moveTo(cursor + bodyRows);
      case 'pageup': return moveTo(cursor - bodyRows);
      case 'top': return moveTo(0);
      case 'bottom': return moveTo(rows.length - 1);
      case 'pane.next': return setFocus(panes.length ? (focusRef.current + 1) % (panes.length + 1) : 0);
      case 'pane.zoom': return setZoomed(!zoomed);
      case 'pane.split': return setBeside(!beside);
      case 'pane.grow': return setLogShare(Math.min(0.8, logShare + 0.1));
      case 'pane.shrink': return setLogShare(Math.max(0.2, logShare - 0.1));
      case 'sort.next': return dispatch({ type: 'sort', column: nextSortColumn(widths, nav.sort.column, 1) });
      case 'sort.prev': return dispatch({ type: 'sort', column: nextSortColumn(widths, nav.sort.column, -1) });
      case 'sort.reverse': return dispatch({ type: 'sort', column: nav.sort.column, reverse: !nav.sort.reverse });
      case 'terminated': return dispatch({ type: 'terminated' });
      case 'mark': if (selected) dispatch({ type: 'mark', uri: selected.uri }); return moveTo(cursor + 1);
      case 'drill': {
        const next = DRILL[view];
        if (selected && next) dispatch({ type: 'drill', view: next, parent: selected.uri, label: String(selected.object['name'] ?? selected.object['nickname'] ?? '') });
        return;
      }
      case 'inspect': if (selected) setOverlay({ kind: 'inspect', uri: selected.uri, offset: 0 }); return;
      case 'logs': {
        if (!selected) return;
        const title = String(selected.object['name'] ?? selected.object['action'] ?? selected.uri);
        logs.open(selected.uri, `${view} ${title}`);
        setFocus(panes.length + 1);
        return;
      }
      case 'exec': {
        if (!selected) return;
        if (selected.object['state'] !== 'Running') {
          setStatus({ text: `exec: ${String(selected.object['name'])} is ${String(selected.object['state'])}, not Running`, level: 'error' });
          return;
        }
        // The runner unmounts this app while the shell has the terminal, and renders a new one after.
        setSuspended(true);
        void monitor.runExec(selected.uri, monitor.execCommand);
        return;
      }
      default: return;
    }
  }

  if (suspended) return null;

  const title = ` ${VIEW_TITLES[view]}${crumb.label ? ` of ${crumb.label}` : ''} (${rows.length})` +
    `${nav.filter ? ` /${nav.filter}/` : ''}${nav.sort.column >= 0 ? ` sort:${columns[nav.sort.column]?.header.toLowerCase()}${nav.sort.reverse ? '↓' : '↑'}` : ''}` +
    `${nav.marks.length ? ` · ${nav.marks.length} marked` : ''}${nav.allTerminated ? ' · all terminated shown' : ''}`;
  const crumbs = nav.path.map((c) => c.label ?? VIEW_TITLES[c.view]).join(' › ');
  // Only what the selected object's state allows is offered.
  const available = keymap.available(focusedPane ? 'logs' : 'table', focusedPane ? null : view);
  const helpKey = available.find((c) => c.id === 'help')?.keys[0] ?? '?';
  const hints = available
    .filter((c) => c.hint && c.id !== 'help' && (!c.operation || focusedPane || (selected !== undefined && opAllowed(selected.object, c.operation, view))))
    .sort((a, b) => Number(b.scope !== 'global') - Number(a.scope !== 'global')) // what this view can do first
    .map((c) => `${c.keys[0]} ${c.hint}`).join(' · ');

  const tableOrOverlay = overlay ? (
    overlay.kind === 'help'
      ? <Help lines={overlayLines} offset={overlay.offset} width={tableWidth} height={tableHeight} theme={theme} />
      : <Inspect lines={overlayLines} title={inspected ? String(inspected['name'] ?? inspected['uuid'] ?? '') : 'gone'} offset={overlay.offset} width={tableWidth} height={tableHeight} theme={theme} />
  ) : (
    <Table rows={rows} columns={columns} widths={widths} height={bodyRows} cursor={cursor} top={top.current}
      marks={marks} highlighted={highlighted} stale={snapshot.stale} ctx={ctx} theme={theme} />
  );
  const paneHeight = (n: number) => Math.max(2, Math.floor((beside ? main : logRoom) / n));
  const logArea = zoomPane ? (
    <LogPaneView pane={zoomPane} width={width} height={main} focused theme={theme} />
  ) : panes.map((p, i) => (
    <LogPaneView key={p.id} pane={p} width={beside ? logRoom : width} height={paneHeight(panes.length)} focused={focus === i + 1} theme={theme} />
  ));

  return (
    <Box flexDirection="column" width={width}>
      <Header snapshot={snapshot} mode={monitor.mode} namespace={monitor.namespace} endpoint={monitor.endpoint} width={width} now={now} theme={theme} />
      {banner ? <Banner snapshot={snapshot} now={now} width={width} theme={theme} /> : null}
      <Text wrap="truncate" bold color={focus === 0 ? theme.fg.accent : theme.fg.muted}>
        {truncate(`${title}   ${crumbs}`, width)}
      </Text>
      {beside && panes.length && !zoomPane ? (
        <Box flexDirection="row">
          <Box flexDirection="column" width={tableWidth}>{tableOrOverlay}</Box>
          <Box flexDirection="column" width={1}>{Array.from({ length: main }, (_, i) => <Text key={i} color={theme.fg.muted}>│</Text>)}</Box>
          <Box flexDirection="column" width={logRoom}>{logArea}</Box>
        </Box>
      ) : (
        <>
          {showTable ? tableOrOverlay : null}
          {logArea}
        </>
      )}
      <Text wrap="truncate" color={status?.level === 'error' ? theme.fg.error : status?.level === 'success' ? theme.state.running : status?.level === 'progress' ? theme.fg.warning : theme.fg.muted}>
        {truncate(status ? ` ${status.text}` : ` ${readonly ? 'read-only · ' : ''}${snapshot.complete ? 'ready' : 'loading…'}`, width)}
      </Text>
      <BottomLine prompt={prompt} hints={hints} helpKey={helpKey} width={width} />
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
  const label = prompt.kind === 'command' ? ':' : prompt.kind === 'filter' || prompt.kind === 'logsearch' ? '/'
    : prompt.kind === 'scale' ? `scale ${prompt.objects.length === 1 ? String(prompt.objects[0]!['name']) : `${prompt.objects.length} objects`} to: `
      : prompt.typeName ? `${prompt.label} ${prompt.view} '${prompt.typeName}'? type its name to confirm: `
        : `${prompt.label} ${prompt.objects.length === 1 ? String(prompt.objects[0]!['name'] ?? prompt.objects[0]!['nickname']) : `${prompt.objects.length} objects`}? (y/N) `;
  return (
    <Text wrap="truncate" color={prompt.kind === 'confirm' ? theme.fg.error : theme.fg.accent}>
      {truncate(`${label}${prompt.text}█`, width)}
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

/** Only what the object's state allows is attempted (the server refuses the rest anyway). */
function opAllowed(object: WireObject, op: Operation, view: ViewName): boolean {
  if (view === 'events') return false;
  const spec = KINDS[view];
  const state = String(object['state'] ?? '');
  if (op === 'scale' && view === 'nodecluster') return allows(spec.operations, 'update', state);
  if (op === 'cancel' && view === 'action') return object['can_be_canceled'] === true;
  if (op === 'retry' && view === 'action') return object['can_be_retried'] === true && allows(spec.operations, 'retry', state);
  return allows(spec.operations, op, state);
}
