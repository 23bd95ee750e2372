'use strict';
// Streams video frames to the gateway over its WebSocket endpoint and overlays the answers.
// Protocol: one binary message (a JPEG) per frame; the gateway sends one JSON text reply per
// frame, in order, so a FIFO of send times gives each reply its latency.

const $ = (id) => document.getElementById(id);
const ui = {
  model: $('model'), policy: $('policy'), topk: $('topk'), fps: $('fps'),
  camera: $('camera'), file: $('file'), stop: $('stop'),
  video: $('video'), canvas: $('canvas'), placeholder: $('placeholder'),
  predictions: $('predictions'), hud: $('hud'), error: $('error'), connection: $('connection'),
  hudFps: $('hud-fps'), hudLatency: $('hud-latency'), hudSkipped: $('hud-skipped'),
  hudBatch: $('hud-batch'),
};

// Also read by the browser test.
const stats = window.streamStats = {
  sent: 0, ok: 0, skipped: 0, errors: 0, latencyMs: null, top: null, batch: null,
};

const MAX_SIDE = 640;              // frames are scaled down to this before encoding
const MAX_BUFFERED = 1 << 20;      // do not queue more than 1 MiB in the browser's socket
const MAX_OUTSTANDING = 60;        // frames sent and not answered yet

let ws = null;
let media = null;
let running = false;
let encoding = false;
let lastSendAt = 0;
let sentAt = [];
let okTimes = [];

async function loadModels() {
  try {
    const res = await fetch('/v1/models');
    const { models } = await res.json();
    const ready = models.filter((m) => m.state === 'READY');
    ui.model.innerHTML = '';
    for (const m of ready) {
      const option = new Option(`${m.name} (v${m.version}, ${m.family} ${m.variant})`, m.name);
      ui.model.add(option);
    }
    const wanted = new URLSearchParams(location.search).get('model');
    if (wanted && ready.some((m) => m.name === wanted)) ui.model.value = wanted;
    if (!ready.length) ui.model.add(new Option('no model is ready', ''));
  } catch (e) {
    showError(`cannot list models: ${e.message}`);
  }
}

async function startCamera() {
  try {
    media = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false,
    });
  } catch (e) {
    showError(`camera: ${e.message}`);
    return;
  }
  ui.video.removeAttribute('src');
  ui.video.srcObject = media;
  begin();
}

function startFile(file) {
  stopMedia();
  ui.video.srcObject = null;
  ui.video.src = URL.createObjectURL(file);
  ui.video.loop = true;
  begin();
}

function begin() {
  const model = ui.model.value;
  if (!model) {
    showError('choose a model first');
    return;
  }
  closeSocket();
  resetStats();
  const query = new URLSearchParams({ policy: ui.policy.value, top_k: String(ui.topk.value || 3) });
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  ws = new WebSocket(`${scheme}//${location.host}/v1/models/${encodeURIComponent(model)}/stream?${query}`);
  ws.onopen = () => {
    running = true;
    setLive(true);
    ui.video.play().catch((e) => showError(`video: ${e.message}`));
    scheduleCapture();
  };
  ws.onmessage = (event) => onReply(JSON.parse(event.data));
  ws.onclose = (event) => {
    running = false;
    setLive(false);
    if (event.code !== 1000 && event.code !== 1005) {
      showError(`stream closed (${event.code}) ${event.reason || 'the model may not be served'}`);
    }
  };
  ui.placeholder.hidden = true;
  ui.hud.hidden = false;
  ui.stop.disabled = false;
  hideError();
}

function scheduleCapture() {
  if (!running) return;
  if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
    ui.video.requestVideoFrameCallback(() => { capture(); scheduleCapture(); });
  } else {
    requestAnimationFrame(() => { capture(); scheduleCapture(); });
  }
}

function capture() {
  const now = performance.now();
  const video = ui.video;
  if (!ws || ws.readyState !== WebSocket.OPEN || encoding || video.readyState < 2) return;
  if (now - lastSendAt < 1000 / Math.max(1, Number(ui.fps.value) || 30)) return;
  if (ws.bufferedAmount > MAX_BUFFERED || sentAt.length >= MAX_OUTSTANDING) return;
  const scale = Math.min(1, MAX_SIDE / Math.max(video.videoWidth, video.videoHeight));
  const canvas = ui.canvas;
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  encoding = true;
  lastSendAt = now;
  canvas.toBlob((blob) => {
    encoding = false;
    if (!blob || !ws || ws.readyState !== WebSocket.OPEN) return;
    sentAt.push(performance.now());
    ws.send(blob);
    stats.sent++;
  }, 'image/jpeg', 0.85);
}

function onReply(reply) {
  if ('control' in reply) return; // this page sends no control messages
  const sent = sentAt.shift();
  if (reply.status === 'ok') {
    const now = performance.now();
    const latency = now - sent;
    stats.ok++;
    stats.latencyMs = stats.latencyMs == null ? latency : 0.8 * stats.latencyMs + 0.2 * latency;
    stats.batch = reply.batch_size;
    stats.top = reply.predictions[0] && reply.predictions[0].label;
    okTimes.push(now);
    renderPredictions(reply.predictions);
  } else if (reply.status === 'skipped') {
    stats.skipped++;
  } else {
    stats.errors++;
    showError(`frame ${reply.seq}: ${reply.code} ${reply.message}`);
  }
}

function renderPredictions(predictions) {
  const items = predictions.map((p) => {
    const li = document.createElement('li');
    li.className = 'prediction';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = p.label;
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = `${(100 * p.score).toFixed(1)}%`;
    const bar = document.createElement('div');
    bar.className = 'bar';
    const fill = document.createElement('i');
    fill.style.width = `${Math.max(1, 100 * p.score).toFixed(1)}%`;
    bar.append(fill);
    li.append(label, score, bar);
    return li;
  });
  ui.predictions.replaceChildren(...items);
}

function updateHud() {
  const now = performance.now();
  okTimes = okTimes.filter((t) => now - t <= 1000);
  ui.hudFps.textContent = okTimes.length.toFixed(1);
  ui.hudLatency.textContent = stats.latencyMs == null ? '–' : stats.latencyMs.toFixed(0);
  const answered = stats.ok + stats.skipped + stats.errors;
  ui.hudSkipped.textContent = answered ? (100 * stats.skipped / answered).toFixed(0) : '0';
  ui.hudBatch.textContent = stats.batch == null ? '–' : String(stats.batch);
}

function resetStats() {
  Object.assign(stats, { sent: 0, ok: 0, skipped: 0, errors: 0, latencyMs: null, top: null, batch: null });
  sentAt = [];
  okTimes = [];
  ui.predictions.replaceChildren();
}

function setLive(live) {
  ui.connection.textContent = live ? `streaming to ${ui.model.value}` : 'not streaming';
  ui.connection.classList.toggle('live', live);
}

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function hideError() {
  ui.error.hidden = true;
}

function closeSocket() {
  running = false;
  if (ws) {
    ws.onclose = null;
    ws.close(1000);
    ws = null;
  }
  setLive(false);
}

function stopMedia() {
  if (media) {
    media.getTracks().forEach((t) => t.stop());
    media = null;
  }
}

function stop() {
  closeSocket();
  stopMedia();
  ui.video.pause();
  ui.stop.disabled = true;
}

ui.camera.addEventListener('click', () => { stop(); startCamera(); });
ui.file.addEventListener('change', () => {
  if (ui.file.files.length) {
    stop();
    startFile(ui.file.files[0]);
  }
  ui.file.value = '';
});
ui.stop.addEventListener('click', stop);
setInterval(updateHud, 250);
loadModels();
