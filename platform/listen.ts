import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** A started HTTP service: its name, where it listens, and how to stop it (draining requests). */
export interface RunningService {
  name: string;
  url: string;
  port: number;
  stop: () => Promise<void>;
}

/** Listens on `port` (0 picks a free one); a taken port is a PortInUseError naming the variable to change. */
export async function listen(server: http.Server, port: number, host: string, portVariable: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') reject(new PortInUseError(port, portVariable));
      else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  return (server.address() as AddressInfo).port;
}

export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly variable: string,
  ) {
    super(`Port ${port} is already in use; set ${variable} to another port.`);
  }
}

/** A port nothing listens on at this moment (for a child process or server started next); another process may still take it first. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
