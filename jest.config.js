/** Every test lives under test/; TypeScript runs through ts-jest. Native builds and qemu runs are slow, hence the generous timeout. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  testTimeout: 300000,
  maxWorkers: 2,
};
