import { useEffect, useRef } from 'react';
import { lastForegroundRequest } from '../api/client';
import { readSharedActivity, writeSharedActivity } from './lockFlag';

const ACTIVITY_EVENTS = ['mousemove', 'mousedown', 'keydown', 'click', 'touchstart', 'scroll', 'wheel'] as const;
const TICK_MS = 1000;
/** How often a still-active user's session is kept alive on the server, at most. */
const HEARTBEAT_MS = 60_000;
/** How often an idle tab asks (without counting as activity) whether its session still exists. */
const CHECK_MS = 60_000;

interface IdleTimerOptions {
  enabled: boolean;
  timeoutMinutes: number;
  /** The user has been idle for `timeoutMinutes`. */
  onIdle: () => void;
  /** The user is active but made no request lately: keep the server session alive. */
  onHeartbeat: () => void;
  /** The user is idle: check (as a background request) that the session was not ended elsewhere. */
  onCheck: () => void;
}

/**
 * Tracks activity (mouse, keys, touch, scroll) and fires `onIdle` once the user has been idle
 * longer than the clinic's time-out. Uses `Date.now()` and a one-second interval, so a faked
 * clock (browser tests) drives it like real time.
 */
export function useIdleTimer({ enabled, timeoutMinutes, onIdle, onHeartbeat, onCheck }: IdleTimerOptions): void {
  const callbacks = useRef({ onIdle, onHeartbeat, onCheck });
  callbacks.current = { onIdle, onHeartbeat, onCheck };

  useEffect(() => {
    if (!enabled) return;
    const timeoutMs = timeoutMinutes * 60_000;
    const heartbeatMs = Math.min(HEARTBEAT_MS, timeoutMs / 3);
    let lastActivity = Date.now();
    let lastShared = 0;
    let lastCheck = Date.now();
    writeSharedActivity(lastActivity);

    const markActivity = () => {
      lastActivity = Date.now();
      // Other tabs read this; a write per second at most.
      if (lastActivity - lastShared >= 1000) {
        lastShared = lastActivity;
        writeSharedActivity(lastActivity);
      }
    };
    for (const type of ACTIVITY_EVENTS) {
      window.addEventListener(type, markActivity, { capture: true, passive: true });
    }

    const tick = () => {
      const now = Date.now();
      const last = Math.max(lastActivity, readSharedActivity());
      if (now - last > timeoutMs) {
        callbacks.current.onIdle();
        return;
      }
      const lastRequest = lastForegroundRequest();
      if (last > lastRequest && now - lastRequest >= heartbeatMs) {
        lastCheck = now;
        callbacks.current.onHeartbeat();
      } else if (now - Math.max(lastCheck, lastRequest) >= CHECK_MS) {
        lastCheck = now;
        callbacks.current.onCheck();
      }
    };
    const interval = window.setInterval(tick, TICK_MS);

    return () => {
      window.clearInterval(interval);
      for (const type of ACTIVITY_EVENTS) {
        window.removeEventListener(type, markActivity, { capture: true });
      }
    };
  }, [enabled, timeoutMinutes]);
}
