// The live link, opened as the page is parsed, before the command view's modules have arrived:
// the join (the server's snapshot, encoded and sent) overlaps their download instead of
// following it. What the socket hears before live.js takes it over is kept for live.js, in
// order (handOver). A classic script in the page's head, after Socket.IO's client (io).
(() => {
  const data = document.currentScript.dataset;
  const auth = data.wallToken ? { wall: data.wallToken } : undefined;
  const socket = window.io("/live", { transports: ["websocket", "polling"], auth });
  const heard = []; // [event name, its arguments]
  let deliver = (name, args) => heard.push([name, args]); // live.js's handlers, once handed over
  const kept = {};
  for (const name of ["snapshot", "delta", "disconnect", "connect_error"]) {
    kept[name] = (...args) => deliver(name, args);
    socket.on(name, kept[name]);
  }
  // The first join, as live.js's resync() would send it with no seq yet; its answer, heard too.
  const join = { event_id: Number(data.eventId), since: null };
  kept.connect = () => socket.emit("join", join, (answer) => deliver("joined", [answer]));
  socket.on("connect", kept.connect);
  window.eventwatchEarly = {
    socket,
    joined: () => socket.connected, // connected: the first join has been sent
    // live.js's handlers take over: what was heard is replayed to them, in order.
    handOver(handlers) {
      for (const [name, fn] of Object.entries(kept)) socket.off(name, fn);
      deliver = (name, args) => handlers[name](...args);
      for (const [name, args] of heard.splice(0)) deliver(name, args);
    },
  };
})();
