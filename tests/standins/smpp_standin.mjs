// SPDX-License-Identifier: GPL-3.0-or-later
// An SMSC for the SMPP providers (Enet, GTT, Digicel), built on the npm "smpp" package's server:
// binds checked against system_id:password, submit_sm answered by destination, and a delivery
// receipt (deliver_sm, esm_class 0x04, with the receipted_message_id and message_state TLVs) sent
// to a receiver bound with the same system_id. Used by tests/integration/sms_smpp.test and
// scripts/quickstart; it plays the SMSC, it is not one.
//
//   node smpp_standin.mjs --port P --account-file FILE [--tls KEY.pem,CERT.pem]
//        [--receipt-delay MS] [--state-file FILE]
//
// Destination numbers ending in 9990: ESME_RINVDSTADR; 9991: ESME_RTHROTTLED; 9992: no answer
// (a slow SMSC); 9993: accepted, receipt UNDELIV; anything else: accepted, receipt DELIVRD.
// FILE holds SYSTEM_ID:PASSWORD (a file, so the password never shows in ps).
// --state-file gets one JSON line per event (bind, submit, receipt), never a password.
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(import.meta.url);
const smpp = require('smpp');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf('--' + name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(opt('port', '2775'));
const accountFile = opt('account-file', null);
const [account, password] = (accountFile ? fs.readFileSync(accountFile, 'utf8').trim() : 'npgw:secret').split(':');
const receiptDelay = Number(opt('receipt-delay', '200'));
const stateFile = opt('state-file', null);
const tlsFiles = opt('tls', null);

const note = (event) => {
  if (stateFile) fs.appendFileSync(stateFile, JSON.stringify(event) + '\n');
};

const receivers = new Set(); // sessions bound as receiver or transceiver
const pending = []; // receipts waiting for a receiver to bind
let nextId = 0x100000 + Math.floor(Math.random() * 0xefffff); // ids differ between SMSCs and runs

function yymmddhhmm(d) {
  const p = (n) => String(n).padStart(2, '0');
  return p(d.getUTCFullYear() % 100) + p(d.getUTCMonth() + 1) + p(d.getUTCDate()) +
    p(d.getUTCHours()) + p(d.getUTCMinutes());
}

function sendReceipt(r) {
  const session = [...receivers][0];
  if (!session) {
    pending.push(r);
    return;
  }
  const stat = r.delivered ? 'DELIVRD' : 'UNDELIV';
  const now = yymmddhhmm(new Date());
  const text = `id:${r.id} sub:001 dlvrd:${r.delivered ? '001' : '000'} submit date:${r.submitted}` +
    ` done date:${now} stat:${stat} err:${r.delivered ? '000' : '001'} text:${r.body.slice(0, 20)}`;
  session.deliver_sm({
    source_addr: r.to,
    source_addr_ton: 1,
    source_addr_npi: 1,
    destination_addr: r.from,
    esm_class: 0x04,
    short_message: text,
    receipted_message_id: r.id,
    message_state: r.delivered ? 2 : 5,
  }, (resp) => note({ event: 'receipt', id: r.id, stat, command_status: resp.command_status }));
}

function onSession(session) {
  let bound = null;
  session.on('error', () => {});
  session.on('close', () => receivers.delete(session));
  const bind = (kind) => (pdu) => {
    const ok = pdu.system_id === account && pdu.password === password;
    note({ event: 'bind', kind, system_id: pdu.system_id, ok });
    if (!ok) {
      session.send(pdu.response({ command_status: pdu.system_id === account
        ? smpp.ESME_RINVPASWD : smpp.ESME_RINVSYSID }));
      return;
    }
    bound = kind;
    session.send(pdu.response({ system_id: 'STANDIN' }));
    if (kind !== 'transmitter') {
      receivers.add(session);
      while (pending.length) sendReceipt(pending.shift());
    }
  };
  session.on('bind_transmitter', bind('transmitter'));
  session.on('bind_receiver', bind('receiver'));
  session.on('bind_transceiver', bind('transceiver'));
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    if (bound !== 'transmitter' && bound !== 'transceiver') {
      session.send(pdu.response({ command_status: smpp.ESME_RINVBNDSTS }));
      return;
    }
    const to = pdu.destination_addr;
    const body = pdu.short_message && pdu.short_message.message !== undefined
      ? String(pdu.short_message.message) : String(pdu.short_message);
    note({ event: 'submit', to, from: pdu.source_addr, body, ton: pdu.dest_addr_ton,
      registered_delivery: pdu.registered_delivery });
    if (to.endsWith('9990')) return session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
    if (to.endsWith('9991')) return session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    if (to.endsWith('9992')) return; // never answers
    const id = (nextId++).toString(16).toUpperCase();
    session.send(pdu.response({ message_id: id }));
    if (pdu.registered_delivery & 1) {
      const r = { id, to, from: pdu.source_addr, body, delivered: !to.endsWith('9993'),
        submitted: yymmddhhmm(new Date()) };
      setTimeout(() => sendReceipt(r), receiptDelay);
    }
  });
}

const options = tlsFiles
  ? { key: fs.readFileSync(tlsFiles.split(',')[0]), cert: fs.readFileSync(tlsFiles.split(',')[1]) }
  : {};
const server = smpp.createServer(options, onSession);
server.listen(port, '127.0.0.1', () => note({ event: 'listening', port, tls: !!tlsFiles }));
process.on('SIGTERM', () => process.exit(0));
