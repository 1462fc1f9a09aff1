import { execFile } from 'node:child_process';

/**
 * Runs in its own process, so the upload's buffers are not counted in the memory of the process
 * under test: streams `bytes` of 'a' in 64 KB chunks (with Content-Length, or chunked) and stops
 * sending as soon as an answer arrives. Prints the status, or the connection error.
 */
const UPLOADER = `
const http = require('node:http');
const [url, total, chunked] = process.argv.slice(1);
const chunk = Buffer.alloc(64 * 1024, 'a');
let sent = 0;
let answered = false;
const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(chunked === 'chunked' ? {} : { 'content-length': total }) } });
req.on('response', (res) => {
  answered = true;
  res.resume().on('end', () => { console.log(JSON.stringify({ status: res.statusCode, sentBeforeAnswer: sent })); process.exit(0); });
});
req.on('error', (error) => { if (!answered) { console.log(JSON.stringify({ error: error.message, sentBeforeAnswer: sent })); process.exit(0); } });
const pump = () => {
  while (!answered && sent < Number(total)) {
    sent += chunk.length;
    if (!req.write(chunk)) return void req.once('drain', pump);
  }
  if (!answered) req.end();
};
pump();
`;

export interface UploadResult {
  status?: number;
  error?: string;
  sentBeforeAnswer: number;
}

export function uploadFromChildProcess(url: string, bytes: number, encoding: 'content-length' | 'chunked'): Promise<UploadResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', UPLOADER, url, String(bytes), encoding], { timeout: 30_000 }, (error, stdout) => {
      if (error) return reject(error);
      resolve(JSON.parse(stdout.trim()) as UploadResult);
    });
  });
}
