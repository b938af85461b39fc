# One session of QEMU's own Python QMP client (qemu.qmp, from QEMU's source tree), printed as JSON lines so a test
# can compare what it saw through the QMP proxy with what it saw from QEMU directly. Usage:
#   python3 qemu-qmp-session.py (PATH | HOST:PORT) [TOKEN]
# With TOKEN (the proxy's TCP endpoint) it authenticates first. Timestamps are left out: two QEMUs differ there.
import asyncio
import json
import sys

from qemu.qmp import EventListener, ExecuteError, QMPClient


def show(**fields):
    print(json.dumps(fields), flush=True)


async def run(qmp, step, command, arguments=None):
    try:
        show(step=step, ret=await qmp.execute(command, arguments))
    except ExecuteError as err:
        show(step=step, error={'class': err.error_class, 'desc': str(err)})


async def main(address, token):
    qmp = QMPClient('qmpdeck-proxy-test')
    qmp.negotiate = False  # negotiated by hand below, after a command QEMU must refuse first
    if ':' in address and not address.startswith('/'):
        host, port = address.rsplit(':', 1)
        await qmp.connect((host, int(port)))
    else:
        await qmp.connect(address)
    show(step='greeting', greeting=qmp.greeting._asdict())
    show(step='before negotiation', reply=dict(await qmp._raw({'execute': 'query-status', 'id': 'early'}, assign_id=False)))
    offered = qmp.greeting.QMP.capabilities
    show(step='negotiate', reply=dict(await qmp._raw({'execute': 'qmp_capabilities', 'arguments': {'enable': offered}})))
    if token:
        await run(qmp, 'authenticate', '__org.qmpdeck_authenticate', {'token': token})
    listener = EventListener()
    with qmp.listen(listener):
        await run(qmp, 'query-status', 'query-status')
        await run(qmp, 'cont', 'cont')
        await run(qmp, 'stop', 'stop')
        await run(qmp, 'query-status after stop', 'query-status')
        await run(qmp, 'unknown command', 'no-such-command')
        await run(qmp, 'bad argument', 'eject', {'device': 5})
        await run(qmp, 'unexpected argument', 'query-status', {'x': 1})
        await run(qmp, 'second negotiation', 'qmp_capabilities')
        for kind, id_ in [('string id', 'mine'), ('another string id', '\u00e9 \U0001F600')]:
            show(step=kind, reply=dict(await qmp._raw({'execute': 'query-name', 'id': id_}, assign_id=False)))
        try:
            show(step='out-of-band', ret=await qmp.execute('query-yank', oob=True))
        except ExecuteError as err:
            show(step='out-of-band', error={'class': err.error_class, 'desc': str(err)})
        events = []
        while not listener.empty():
            event = await listener.get()
            events.append({'event': event['event'], 'data': event.get('data')})
        show(step='events', events=events)
    await qmp.disconnect()


asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))
