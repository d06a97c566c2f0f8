import { startProgress } from '../../../cli/output/progress';
import { MemoryStream } from '../support';

describe('startProgress', () => {
  it('draws nothing where nobody watches (not a terminal), so logs and pipes stay clean', () => {
    const stream = new MemoryStream(false);
    const progress = startProgress(stream, 10, 'records');
    progress.update(5, 'retried 0');
    progress.stop();
    expect(stream.text()).toBe('');
  });

  it('draws a bar with the count and the unit on a terminal', () => {
    const stream = Object.assign(new MemoryStream(true), {
      columns: 120,
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
    });
    const progress = startProgress(stream, 10, 'records');
    progress.update(10, 'retried 2, failed 0');
    progress.stop();
    expect(stream.text()).toContain('10/10 records | retried 2, failed 0');
  });
});
