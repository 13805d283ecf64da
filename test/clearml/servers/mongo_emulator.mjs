// Starts CongoDB, the MongoDB wire-protocol emulator from @push.rocks/smartmongo@2.2.0 (npm; not
// written by this project), on 127.0.0.1 and a free port, and prints "PORT <n>" once it listens.
// The integration tests talk to it with the real libmongoc driver, exactly as to a real mongod.
//
// One patch, applied at run time and nowhere else: the emulator's memory storage turns every _id
// into an ObjectId, which rejects ClearML's 32-hex *string* ids. The override below keys documents
// by type and value instead, so string ids round-trip unchanged as they do on a real server.
//
// Usage: node mongo_emulator.mjs [port]      (port 0 or absent: pick a free one)
import { CongoServer, MemoryStorageAdapter, plugins } from
  '../node_modules/@push.rocks/smartmongo/dist_ts/congodb/index.js';

const { ObjectId } = plugins.bson;

function storageKey(id) {
  if (id instanceof ObjectId) return 'oid:' + id.toHexString();
  if (typeof id === 'string') return 'str:' + id;
  return 'json:' + JSON.stringify(id);
}

const proto = MemoryStorageAdapter.prototype;
proto.insertOne = async function (dbName, collName, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const storedDoc = { ...doc };
  if (storedDoc._id === undefined || storedDoc._id === null) storedDoc._id = new ObjectId();
  const key = storageKey(storedDoc._id);
  if (collection.has(key)) throw new Error(`Duplicate key error: _id ${key}`);
  collection.set(key, storedDoc);
  return storedDoc;
};
proto.findById = async function (dbName, collName, id) {
  return this.ensureCollection(dbName, collName).get(storageKey(id)) || null;
};
proto.updateById = async function (dbName, collName, id, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const key = storageKey(id);
  if (!collection.has(key)) return false;
  collection.set(key, doc);
  return true;
};
proto.deleteById = async function (dbName, collName, id) {
  return this.ensureCollection(dbName, collName).delete(storageKey(id));
};

const port = Number(process.argv[2] || 0);
const server = new CongoServer({ host: '127.0.0.1', port, storage: 'memory' });
await server.start();
process.stdout.write(`PORT ${server.server.address().port}\n`);

const stop = async () => { await server.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
