// What the bench ran on: the machine, its Debian, the node the shims start, tmux.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { NODE, env } from './harness.mjs';

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

export function describeMachine() {
  const os = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(read('/etc/os-release'))?.[1] ?? 'unknown system';
  const debian = read('/etc/debian_version').trim();
  const nodeVersion = spawnSync(NODE, ['-p', 'process.versions.node'], { env, encoding: 'utf8' }).stdout.trim();
  // Node 20 reads NODE_EXTRA_CA_CERTS as it starts, node 24 on first use: one that reads it
  // at start warns at once about a file that does not exist
  const probe = spawnSync(NODE, ['-e', '0'], { env: { ...env, NODE_EXTRA_CA_CERTS: '/nonexistent/jr-bench-ca.pem' }, encoding: 'utf8' });
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round(totalmem() / 2 ** 30),
    os: debian ? `${os}, ${debian}` : os,
    node: { path: NODE, version: nodeVersion, major: Number(nodeVersion.split('.')[0]), readsExtraCaAtStart: /extra certs/i.test(probe.stderr) },
    benchNode: process.versions.node,
    tmux: spawnSync('tmux', ['-V'], { env, encoding: 'utf8' }).stdout.trim(),
    extraCaCerts: env.NODE_EXTRA_CA_CERTS ?? null,
  };
}

export function machineLine(m) {
  return `${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB, ${m.os}, node ${m.node.version} (${m.node.path}), ${m.tmux}`;
}
