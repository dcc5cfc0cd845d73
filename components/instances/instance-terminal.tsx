"use client";
import "@xterm/xterm/css/xterm.css";
import { useCallback, useEffect, useRef, useState } from "react";
import { Badge, Button, Empty, Space, Tabs, Tooltip, Typography } from "antd";
import { FullscreenExitOutlined, FullscreenOutlined, PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { io, type Socket } from "socket.io-client";
import type { Terminal } from "@xterm/xterm";
import type { TMessageRef } from "@/lib/contracts/errors";
import type { TInstance } from "@/lib/contracts/instances";
import { statusText } from "../common/error-text";
import { useT } from "../providers/i18n";
import { randomHex } from "@/lib/random";
import { chunkTerminalInput } from "@/lib/realtime";

// Web terminals of an instance: xterm.js sized to its tab (and following window resizes),
// WebGL rendering where the browser has it, several sessions in tabs, full screen. Each tab
// has its own /terminal socket; its session id is kept in sessionStorage so a reload (or a
// dropped connection) reattaches to the same shell, which replays its recent output.
// Output is acknowledged after xterm has written it: the server's flow control.

type Status = "connecting" | "connected" | "reconnecting" | "ended";
type Tab = { key: string; sessionId?: string };

const storeKey = (instanceId: string) => `aic-terminals:${instanceId}`;
const loadTabs = (instanceId: string): Tab[] => {
  try {
    const tabs = JSON.parse(sessionStorage.getItem(storeKey(instanceId)) ?? "[]") as Tab[];
    return Array.isArray(tabs) && tabs.length ? tabs : [{ key: randomHex() }];
  } catch {
    return [{ key: randomHex() }];
  }
};

const STATUS_BADGE: Record<Status, "processing" | "success" | "warning" | "default"> = {
  connecting: "processing",
  connected: "success",
  reconnecting: "warning",
  ended: "default",
};

type PaneProps = { instanceId: string; tab: Tab; fullscreen: boolean; onSession: (sessionId: string) => void; registerClose: (close: () => void) => void };

function TerminalPane({ instanceId, tab, fullscreen, onSession, registerClose }: PaneProps) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<Status>("connecting");
  const [ended, setEnded] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const sessionRef = useRef(tab.sessionId);

  // biome-ignore lint/correctness/useExhaustiveDependencies: one session per instance and generation (a new generation opens a new session in the same tab); the other props are read once
  useEffect(() => {
    let disposed = false;
    let socket: Socket | null = null;
    let term: Terminal | null = null;
    const cleanups: (() => void)[] = [];

    void (async () => {
      const [{ Terminal }, { FitAddon }, { WebLinksAddon }] = await Promise.all([
        import("@xterm/xterm"),
        import("@xterm/addon-fit"),
        import("@xterm/addon-web-links"),
      ]);
      if (disposed || !host.current) return;
      term = new Terminal({
        cursorBlink: true,
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        fontSize: 14,
        scrollback: 5000,
        theme: { background: "#141414" },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.loadAddon(new WebLinksAddon());
      term.open(host.current);
      try {
        const { WebglAddon } = await import("@xterm/addon-webgl");
        const webgl = new WebglAddon();
        webgl.onContextLoss(() => webgl.dispose());
        term.loadAddon(webgl);
      } catch {
        // No WebGL here: xterm's DOM renderer stays.
      }
      fit.fit();
      // A paste may be larger than one socket.io message may be: it goes in pieces, in order.
      const send = (text: string) => {
        if (!socket?.connected) return;
        for (const piece of chunkTerminalInput(text)) socket.emit("data", piece);
      };
      // Copy and paste with Ctrl+Shift+C / Ctrl+Shift+V (Ctrl+C stays the shell's interrupt).
      term.attachCustomKeyEventHandler((e) => {
        if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
        if (e.code === "KeyC" && term!.hasSelection()) {
          void navigator.clipboard?.writeText(term!.getSelection());
          return false;
        }
        if (e.code === "KeyV") {
          void navigator.clipboard?.readText().then(send);
          return false;
        }
        return true;
      });

      socket = io("/terminal", { path: "/socket.io", transports: ["websocket"], forceNew: true, withCredentials: true });
      const open = () => {
        setStatus("connecting");
        // Reattaching replays the session's recent output: start from a clean screen.
        if (sessionRef.current) term!.reset();
        socket!.emit(
          "open",
          { instanceId, cols: term!.cols, rows: term!.rows, sessionId: sessionRef.current },
          (reply: { sessionId?: string; error?: { message: string; messageKey?: string; params?: TMessageRef["params"] } }) => {
            if (reply.error || !reply.sessionId) {
              const e = reply.error;
              // The server's refusal in the reader's language (its English when the key is unknown here).
              setEnded(
                e ? statusText(t.locale ?? "en-US", e.messageKey ? { key: e.messageKey, params: e.params } : null, e.message) : t("terminal.openFailed"),
              );
              setStatus("ended");
              socket!.disconnect();
              return;
            }
            sessionRef.current = reply.sessionId;
            onSession(reply.sessionId);
            setStatus("connected");
            term!.focus();
          },
        );
      };
      socket.on("connect", open);
      socket.on("disconnect", (reason) => {
        if (reason !== "io client disconnect") setStatus((s) => (s === "ended" ? s : "reconnecting"));
      });
      socket.on("connect_error", () => setStatus((s) => (s === "ended" ? s : "reconnecting")));
      socket.on("data", (data: string, ack?: () => void) => term!.write(data, ack));
      socket.on("exit", ({ code, reason }: { code: number | null; reason: string }) => {
        const said = t(`terminal.reasons.${reason}` as Parameters<typeof t>[0]);
        setEnded(t("terminal.ended", { reason: said.startsWith("terminal.reasons.") ? reason : said, code: code ?? "—" }));
        setStatus("ended");
        sessionRef.current = undefined;
        socket!.disconnect();
      });
      // Closing the tab ends the shell; leaving the page keeps it for a reconnect.
      registerClose(() => socket?.emit("close"));
      const input = term.onData(send);
      cleanups.push(() => input.dispose());

      let timer: ReturnType<typeof setTimeout> | undefined;
      const ro = new ResizeObserver(() => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (!term || !host.current?.offsetParent) return;
          fit.fit();
          socket?.emit("resize", { cols: term.cols, rows: term.rows });
        }, 80);
      });
      ro.observe(host.current);
      cleanups.push(() => ro.disconnect());
    })();

    return () => {
      disposed = true;
      for (const c of cleanups) c();
      socket?.disconnect();
      term?.dispose();
    };
  }, [instanceId, generation]);

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="small">
      <Space>
        <Badge status={STATUS_BADGE[status]} text={t(`terminal.status.${status}`)} data-testid="terminal-status" />
        {ended && <Typography.Text type="secondary">{ended}</Typography.Text>}
        {status === "ended" && (
          <Button
            size="small"
            icon={<ReloadOutlined />}
            onClick={() => {
              setEnded(null);
              sessionRef.current = undefined;
              setGeneration((g) => g + 1);
            }}
          >
            {t("terminal.newSession")}
          </Button>
        )}
      </Space>
      <div
        ref={host}
        data-testid="terminal"
        style={{ height: fullscreen ? "calc(100vh - 120px)" : "calc(100vh - 360px)", minHeight: 320, background: "#141414", padding: 4, borderRadius: 6 }}
      />
    </Space>
  );
}

export function InstanceTerminals({ instance }: { instance: TInstance }) {
  const t = useT();
  const frame = useRef<HTMLDivElement>(null);
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActive] = useState<string>();
  const [fullscreen, setFullscreen] = useState(false);

  useEffect(() => {
    const loaded = loadTabs(instance.id);
    setTabs(loaded);
    setActive(loaded[0]!.key);
  }, [instance.id]);
  useEffect(() => {
    if (tabs.length) sessionStorage.setItem(storeKey(instance.id), JSON.stringify(tabs));
  }, [tabs, instance.id]);
  useEffect(() => {
    const onChange = () => setFullscreen(document.fullscreenElement === frame.current);
    document.addEventListener("fullscreenchange", onChange);
    return () => document.removeEventListener("fullscreenchange", onChange);
  }, []);

  const closers = useRef(new Map<string, () => void>());
  const remember = useCallback((key: string, sessionId: string) => setTabs((all) => all.map((x) => (x.key === key ? { ...x, sessionId } : x))), []);

  if (instance.status !== "running") return <Empty description={t("terminal.whenRunning")} />;

  return (
    <div ref={frame} style={{ background: fullscreen ? "var(--ant-color-bg-container, #fff)" : undefined, padding: fullscreen ? 12 : 0 }}>
      <Tabs
        type="editable-card"
        size="small"
        activeKey={active}
        onChange={setActive}
        addIcon={
          <Tooltip title={t("terminal.add")}>
            <PlusOutlined />
          </Tooltip>
        }
        onEdit={(key, action) => {
          if (action === "add") {
            const tab = { key: randomHex() };
            setTabs((all) => [...all, tab]);
            setActive(tab.key);
          } else {
            const rest = tabs.filter((x) => x.key !== key);
            closers.current.get(key as string)?.();
            closers.current.delete(key as string);
            const next = rest.length ? rest : [{ key: randomHex() }];
            setTabs(next);
            if (active === key) setActive(next[0]!.key);
          }
        }}
        tabBarExtraContent={
          <Button
            type="text"
            icon={fullscreen ? <FullscreenExitOutlined /> : <FullscreenOutlined />}
            aria-label={t(fullscreen ? "terminal.exitFullscreen" : "terminal.fullscreen")}
            onClick={() => (fullscreen ? void document.exitFullscreen() : void frame.current?.requestFullscreen())}
          />
        }
        items={tabs.map((tab, n) => ({
          key: tab.key,
          label: `${t("terminal.tab")} ${n + 1}`,
          forceRender: true,
          children: (
            <TerminalPane
              instanceId={instance.id}
              tab={tab}
              fullscreen={fullscreen}
              onSession={(id) => remember(tab.key, id)}
              registerClose={(close) => closers.current.set(tab.key, close)}
            />
          ),
        }))}
      />
    </div>
  );
}
