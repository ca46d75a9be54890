import assert from 'node:assert/strict';
import { parseNotifyLine, roleOfState } from '../../src/ha/notify-line.js';

describe("keepalived's notify lines", () => {
  it('reads the FIFO form and the notify-script form of a state change', () => {
    assert.deepEqual(parseNotifyLine('INSTANCE "VI_1" MASTER 100'), {
      kind: 'INSTANCE',
      name: 'VI_1',
      state: 'MASTER',
      priority: 100,
    });
    assert.deepEqual(parseNotifyLine('GROUP G1 FAULT'), { kind: 'GROUP', name: 'G1', state: 'FAULT', priority: null });
  });

  it('ignores priority events, other daemons and noise', () => {
    assert.equal(parseNotifyLine('INSTANCE "VI_1" MASTER_RX_LOWER_PRI 100'), null);
    assert.equal(parseNotifyLine('INSTANCE "VI_1" BACKUP_PRIORITY 90'), null);
    assert.equal(parseNotifyLine('RS [1.2.3.4]:tcp:80 [192.168.201.15]:tcp:80 UP'), null);
    assert.equal(parseNotifyLine(''), null);
  });

  it('makes only MASTER a master: FAULT, STOP and DELETED release the uplinks like BACKUP', () => {
    assert.equal(roleOfState('MASTER'), 'master');
    for (const s of ['BACKUP', 'FAULT', 'STOP', 'DELETED'] as const) assert.equal(roleOfState(s), 'backup');
  });
});
