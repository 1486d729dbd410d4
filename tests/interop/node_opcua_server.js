// An OPC-UA server the project did not write (node-opcua, pinned in tests/emulators.py),
// for the gateway's interop test. It serves COUNT variables ns=1;s=V001.. that all change
// every INTERVAL ms, historized in memory, and logs every value it produced (name,
// source time in ms, value, status) to LOG as JSON lines, so the test can compare.
//
//   node node_opcua_server.js PORT COUNT INTERVAL_MS LOG PKI_DIR SERVER_CERT SERVER_KEY URI
//
// V001..V004 are Int32, Boolean, String and UInt16 values (typed values); the rest are
// Doubles. Every 37th value of a variable is reported with BadSensorFailure. PKI_DIR is
// node-opcua's certificate store: a client certificate (DER) in PKI_DIR/trusted/certs is
// trusted; any other is rejected. Prints READY when listening; SIGTERM stops it.
"use strict";
const fs = require("fs");
const opcua = require("node-opcua");

const [port, count, interval, logPath, pki, certFile, keyFile, uri] = process.argv.slice(2);
const COUNT = Number(count);
const INTERVAL = Number(interval);
const TYPES = [opcua.DataType.Int32, opcua.DataType.Boolean, opcua.DataType.String, opcua.DataType.UInt16];
const BAD = opcua.StatusCodes.BadSensorFailure;

function typeOf(index) {
    return index < TYPES.length ? TYPES[index] : opcua.DataType.Double;
}

function valueOf(type, index, tick) {
    switch (type) {
        case opcua.DataType.Int32: return tick * 7 - 1000;
        case opcua.DataType.Boolean: return tick % 2 === 0;
        case opcua.DataType.String: return `state ${tick % 5}`;
        case opcua.DataType.UInt16: return tick % 65536;
        default: return Math.sin(tick / 10 + index) * 1000 + index / 3;
    }
}

async function main() {
    const certificateManager = new opcua.OPCUACertificateManager({
        rootFolder: pki,
        automaticallyAcceptUnknownCertificate: false,
    });
    await certificateManager.initialize();
    const server = new opcua.OPCUAServer({
        port: Number(port),
        resourcePath: "/wellos/node",
        certificateFile: certFile,
        privateKeyFile: keyFile,
        serverCertificateManager: certificateManager,
        serverInfo: { applicationUri: uri, productUri: "urn:wellos:interop" },
        securityPolicies: [opcua.SecurityPolicy.None, opcua.SecurityPolicy.Basic256Sha256],
        securityModes: [opcua.MessageSecurityMode.None, opcua.MessageSecurityMode.SignAndEncrypt],
        allowAnonymous: true,
        maxConnectionsPerEndpoint: 20,
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    const namespace = addressSpace.getOwnNamespace();
    const folder = namespace.addObject({ organizedBy: addressSpace.rootFolder.objects, browseName: "Interop" });
    const variables = [];
    for (let i = 0; i < COUNT; i++) {
        const name = `V${String(i + 1).padStart(3, "0")}`;
        const type = typeOf(i);
        const variable = namespace.addVariable({
            componentOf: folder,
            nodeId: `s=${name}`,
            browseName: name,
            dataType: opcua.DataType[type],
            minimumSamplingInterval: 0,
            value: { dataType: type, value: valueOf(type, i, 0) },
        });
        addressSpace.installHistoricalDataNode(variable, { maxOnlineValues: 100000 });
        variables.push({ name, type, variable });
    }
    const log = fs.openSync(logPath, "w");
    let tick = 0;
    // Each change at least INTERVAL after the previous one (no catching up after a stall):
    // node-opcua coalesces changes closer than its sampling window, which is its right.
    function produce() {
        tick += 1;
        const sourceTimestamp = new Date();
        const lines = [];
        variables.forEach(({ name, type, variable }, index) => {
            const value = valueOf(type, index, tick);
            const status = (tick + index) % 37 === 0 ? BAD : opcua.StatusCodes.Good;
            variable.setValueFromSource({ dataType: type, value }, status, sourceTimestamp);
            lines.push(JSON.stringify({ n: name, t: sourceTimestamp.getTime(), v: value, q: status.value }));
        });
        fs.writeSync(log, lines.join("\n") + "\n");
        timer = setTimeout(produce, INTERVAL);
    }
    let timer = setTimeout(produce, INTERVAL);
    await server.start();
    process.stdout.write("READY\n");
    process.on("SIGTERM", async () => {
        clearTimeout(timer);
        fs.closeSync(log);
        await server.shutdown(0);
        process.exit(0);
    });
}

main().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
});
