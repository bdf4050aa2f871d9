import { ConfigError, loadConfig } from '@darkroom/runtime';

describe('loadConfig', () => {
  it('reads the named variables once into a frozen object', () => {
    process.env.TEST_TABLE = 'table-1';
    const config = loadConfig({ table: 'TEST_TABLE' });
    expect(config).toEqual({ table: 'table-1' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('fails fast naming every missing or empty variable', () => {
    process.env.EMPTY_ONE = '';
    expect(() => loadConfig({ a: 'MISSING_ONE', b: 'EMPTY_ONE' })).toThrow(ConfigError);
    expect(() => loadConfig({ a: 'MISSING_ONE', b: 'EMPTY_ONE' })).toThrow('MISSING_ONE, EMPTY_ONE');
  });
});
