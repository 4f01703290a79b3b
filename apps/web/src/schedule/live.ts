import { useQueryClient } from '@tanstack/react-query';
import { type FreedTime, type ScheduleEvent, zScheduleEvent } from '@tend/domain';
import { useEffect, useRef, useState } from 'react';
import { notifyScheduleChanged } from '../offline/useOfflineCopyRefresh';

/**
 * Live updates: the schedule screens listen to `GET /api/events` (server-sent events) and reload
 * what changed, within a second of anyone's booking, move or cancellation, from any server.
 */

export type LiveStatus = 'connecting' | 'live' | 'offline';

/** After the server refused the stream (signed out, network gone), try again this much later. */
const RETRY_MS = 10_000;

/** The query keys each kind of event makes stale. */
function staleKeys(event: ScheduleEvent): string[][] | 'all' {
  switch (event.kind) {
    case 'appointment':
      return [['appointments'], ['slots'], ['waitlist']];
    case 'availability':
      return [['working-hours'], ['time-off'], ['extra-hours'], ['working-time'], ['slots']];
    case 'waitlist':
      // Offers hold time: open slots change with them.
      return [['waitlist'], ['slots']];
    case 'resync':
      return 'all';
  }
}

export function useLiveSchedule(onFreed?: (freed: FreedTime) => void): LiveStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const freedHandler = useRef(onFreed);
  freedHandler.current = onFreed;

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      source = new EventSource('/api/events');
      source.onopen = () => setStatus('live');
      source.onmessage = (message) => {
        let parsed: ReturnType<typeof zScheduleEvent.safeParse>;
        try {
          parsed = zScheduleEvent.safeParse(JSON.parse(message.data));
        } catch {
          return;
        }
        if (!parsed.success) return;
        const event = parsed.data;
        const keys = staleKeys(event);
        if (keys === 'all') void client.invalidateQueries();
        else for (const queryKey of keys) void client.invalidateQueries({ queryKey });
        if (event.kind === 'appointment') notifyScheduleChanged();
        if (event.kind === 'appointment' && event.freed) freedHandler.current?.(event.freed);
      };
      const reconnectLater = () => {
        source?.close();
        setStatus('offline');
        clearTimeout(retry);
        retry = setTimeout(open, RETRY_MS);
      };
      source.addEventListener('signed-out', reconnectLater);
      source.onerror = () => {
        // The browser reconnects by itself unless the server refused the stream.
        if (source?.readyState === EventSource.CLOSED) reconnectLater();
        else setStatus('connecting');
      };
    };
    open();
    return () => {
      clearTimeout(retry);
      source?.close();
    };
  }, [client]);

  return status;
}
