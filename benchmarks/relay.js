// The second baseline for fan-out: Node.js with the `ws` package, every frame broadcast to its
// room (the connection's path), nothing else. `python -m benchmarks` installs `ws` into a
// temporary folder with npm and runs this with NODE_PATH pointing there.
const { WebSocketServer } = require("ws");

const port = Number(process.argv[2]);
const rooms = new Map();
const server = new WebSocketServer({ port, host: "127.0.0.1", perMessageDeflate: false });
server.on("connection", (ws, request) => {
  const path = request.url || "/";
  if (!rooms.has(path)) rooms.set(path, new Set());
  const room = rooms.get(path);
  room.add(ws);
  ws.on("message", (data, isBinary) => {
    for (const peer of room) peer.send(data, { binary: isBinary });
  });
  ws.on("close", () => room.delete(ws));
});
server.on("listening", () => console.log("relay listening"));
