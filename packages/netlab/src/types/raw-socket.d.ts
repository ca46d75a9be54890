// The subset of raw-socket (a CommonJS native addon without typings) that the lab uses.
declare module 'raw-socket' {
  import type { EventEmitter } from 'node:events';

  export interface RawSocket extends EventEmitter {
    send(
      buffer: Buffer,
      offset: number,
      length: number,
      address: string,
      afterCallback: (error: Error | null, bytes: number) => void,
    ): this;
    setOption(level: number, option: number, value: number | Buffer, length?: number): void;
    close(): this;
    on(event: 'message', listener: (buffer: Buffer, source: string) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  interface RawSocketModule {
    createSocket(options: { protocol?: number; addressFamily?: number; bufferSize?: number }): RawSocket;
    createChecksum(...buffers: Buffer[]): number;
    writeChecksum(buffer: Buffer, offset: number, checksum: number): Buffer;
    readonly AddressFamily: { readonly IPv4: number; readonly IPv6: number };
    readonly Protocol: { readonly ICMP: number; readonly ICMPv6: number; readonly UDP: number; readonly TCP: number };
    readonly SocketLevel: Record<string, number>;
    readonly SocketOption: Record<string, number>;
  }

  const raw: RawSocketModule;
  export default raw;
}
