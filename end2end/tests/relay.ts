import * as net from 'net';

/** What went over the wire between the browser and the server, counted by a TCP relay. */
export interface Wire { down: number; up: number; paths: string[] }

/** A relay on a port of its own in front of the server: every byte and request line the
 *  browser (pages and service worker alike) exchanges with the server passes through it. */
export async function countingRelay(target: URL): Promise<{ url: string; wire: Wire; close: () => void }> {
  const wire: Wire = { down: 0, up: 0, paths: [] };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.on('data', (d) => {
      wire.up += d.length;
      for (const m of d.toString('latin1').matchAll(/^(?:GET|POST|HEAD|PUT) (\S+) HTTP\/1\.1/gm)) wire.paths.push(m[1]);
      upstream.write(d);
    });
    upstream.on('data', (d) => { wire.down += d.length; client.write(d); });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('close', end); upstream.on('close', end);
    client.on('error', end); upstream.on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, wire, close: () => server.close() };
}

