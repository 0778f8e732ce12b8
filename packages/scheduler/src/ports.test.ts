import { describe, expect, it } from 'vitest';

import { InvalidPortRequestError, PortRangeExhaustedError } from './errors.js';
import { allocatePorts } from './ports.js';
import { catchError } from './test-support/fleet.js';

describe('allocatePorts', () => {
  it.each([
    {
      desc: 'the lowest ports of an empty range',
      inUse: [],
      count: 3,
      ports: [20000, 20001, 20002],
    },
    { desc: 'around the ports in use', inUse: [20000, 20002], count: 2, ports: [20001, 20003] },
    {
      desc: 'ignoring ports in use outside the range',
      inUse: [80, 443, 30000],
      count: 1,
      ports: [20000],
    },
    {
      desc: 'ignoring repeats among the ports in use',
      inUse: [20000, 20000],
      count: 1,
      ports: [20001],
    },
    { desc: 'nothing for a count of zero', inUse: [], count: 0, ports: [] },
    {
      desc: 'the last free ports of a nearly full range',
      inUse: [20000, 20001, 20002, 20003, 20004, 20005, 20006, 20007],
      count: 2,
      ports: [20008, 20009],
    },
  ])('allocatePorts picks $desc', ({ inUse, count, ports }) => {
    expect(allocatePorts({ first: 20000, last: 20009 }, inUse, count)).toEqual(ports);
  });

  it('allocatePorts accepts any iterable of ports in use', () => {
    expect(allocatePorts({ first: 1, last: 3 }, new Set([1, 2]), 1)).toEqual([3]);
  });

  it('allocatePorts says how many were asked and free when the range runs out', () => {
    const err = catchError(() => allocatePorts({ first: 20000, last: 20002 }, [20001], 3));

    expect(err).toBeInstanceOf(PortRangeExhaustedError);
    expect(err).toMatchObject({
      code: 'PORT_RANGE_EXHAUSTED',
      first: 20000,
      last: 20002,
      requested: 3,
      available: 2,
    });
    expect(err.message).toBe(
      "failed to allocate ports in range '20000-20002': 3 requested, 2 free",
    );
  });

  it.each([
    { desc: 'a reversed range', range: { first: 10, last: 5 }, count: 1, why: 'above the last' },
    { desc: 'port 0', range: { first: 0, last: 5 }, count: 1, why: 'from 1 to 65535' },
    { desc: 'a port past 65535', range: { first: 1, last: 70000 }, count: 1, why: '65535' },
    { desc: 'fractional bounds', range: { first: 1.5, last: 5 }, count: 1, why: 'whole' },
    {
      desc: 'a negative count',
      range: { first: 1, last: 5 },
      count: -1,
      why: 'cannot allocate -1',
    },
    {
      desc: 'a fractional count',
      range: { first: 1, last: 5 },
      count: 0.5,
      why: 'cannot allocate',
    },
  ])('allocatePorts refuses $desc', ({ range, count, why }) => {
    const err = catchError(() => allocatePorts(range, [], count));

    expect(err).toBeInstanceOf(InvalidPortRequestError);
    expect(err).toMatchObject({ code: 'INVALID_PORT_REQUEST', ...range, count });
    expect(err.message).toContain(why);
  });
});
