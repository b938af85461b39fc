import type { InflightCommand } from '@qmpdeck/protocol';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { queryKeys } from '../api/queryKeys.ts';
import { fetchInflightKeepingLive, refetchInflightOnSubscribed, writeInflight } from './inflight-cache.ts';

const screendump: InflightCommand = {
  id: '7',
  vm: 'alpha',
  execute: 'screendump',
  client: 'http-1',
  user: null,
  origin: 'http',
  startedAt: 1,
  deadline: 30_001,
};

/** A fetch the test answers when it chooses, as a slow bridge would. */
function slowFetch() {
  let answer: (list: InflightCommand[]) => void = () => {};
  const fetchList = () => new Promise<InflightCommand[]>((resolve) => (answer = resolve));
  return { fetchList, answer: (list: InflightCommand[]) => answer(list) };
}

describe('in-flight lists in the cache', () => {
  it('keeps a live message that came while the list was asked for, over the older answer', async () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.inflight('alpha'), []);
    const slow = slowFetch();
    const fetching = fetchInflightKeepingLive(client, 'alpha', slow.fetchList);
    await new Promise((resolve) => setTimeout(resolve, 5));
    writeInflight(client, 'alpha', [screendump]);
    slow.answer([]);
    expect(await fetching).toEqual([screendump]);
  });

  it('takes the answer when no message came meanwhile, on a first load as after one', async () => {
    const client = new QueryClient();
    const first = slowFetch();
    const fetching = fetchInflightKeepingLive(client, 'alpha', first.fetchList);
    first.answer([screendump]);
    expect(await fetching).toEqual([screendump]);

    writeInflight(client, 'alpha', [screendump]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = slowFetch();
    const refetching = fetchInflightKeepingLive(client, 'alpha', again.fetchList);
    again.answer([]);
    expect(await refetching).toEqual([]);
  });

  it("asks for the VM's list again once its subscription is confirmed, and only that VM's", () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.inflight('alpha'), []);
    client.setQueryData(queryKeys.inflight('beta'), []);
    refetchInflightOnSubscribed(client, 'alpha');
    expect(client.getQueryState(queryKeys.inflight('alpha'))?.isInvalidated).toBe(true);
    expect(client.getQueryState(queryKeys.inflight('beta'))?.isInvalidated).toBe(false);
  });
});
