/**
 * Records every outgoing TCP connection made in the process so a test can assert that nothing but
 * 127.0.0.1 was contacted (no login.microsoftonline.com, no login.botframework.com, no smba...).
 */
import net from 'node:net';

export function guardLoopback(): { hosts: string[]; restore(): void } {
  const hosts: string[] = [];
  const original = net.Socket.prototype.connect;
  // biome-ignore lint/suspicious/noExplicitAny: patching a variadic overloaded method
  net.Socket.prototype.connect = function patched(this: net.Socket, ...args: any[]) {
    // http/undici call connect() with node's normalized args: [[options, cb]]
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const host =
      typeof first === 'object' && first !== null
        ? (first.host ?? first.path ?? 'localhost')
        : typeof args[1] === 'string'
          ? args[1]
          : 'localhost';
    hosts.push(String(host));
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  return {
    hosts,
    restore() {
      net.Socket.prototype.connect = original;
    },
  };
}
