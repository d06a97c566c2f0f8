import { QUARANTINE_COLUMNS, TRADE_COLUMNS } from '../../schema/layout';
import { synthApp } from '../support/app';
import { logicalIdOf } from '../support/template';

const { stack, template } = synthApp();
const tables = template.findResources('AWS::Glue::Table');
const tableNamed = (name: string) =>
  (Object.values(tables) as any[]).find((t) => t.Properties.TableInput.Name === name).Properties.TableInput;
const lakeRef = { Ref: logicalIdOf(stack.lake.bucket) };

describe('Glue tables', () => {
  it.each([
    ['trades', 'trades/', TRADE_COLUMNS],
    ['quarantine', 'quarantine/', QUARANTINE_COLUMNS],
  ])('reads %s as gzip JSON Lines under %s with the columns of the shared layout', (name, prefix, columns) => {
    const table = tableNamed(name);
    expect(table.StorageDescriptor.Location).toEqual({ 'Fn::Join': ['', ['s3://', lakeRef, `/${prefix}`]] });
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(table.StorageDescriptor.Columns.map((c: any) => [c.Name, c.Type])).toEqual(
      columns.map((c) => [c.name, c.type]),
    );
    expect(table.Parameters.compressionType).toBe('gzip');
  });

  it.each(['trades', 'quarantine'])('projects dt partitions on %s: no crawler, no MSCK REPAIR', (name) => {
    const table = tableNamed(name);
    expect(table.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string', Comment: 'UTC date, YYYY-MM-DD' }]);
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2020-01-01,NOW+1DAYS',
      'storage.location.template': { 'Fn::Join': ['', ['s3://', lakeRef, `/${name}/dt=\${dt}/`]] },
    });
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});
