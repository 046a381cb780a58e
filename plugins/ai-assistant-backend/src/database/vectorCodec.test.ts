import { vectorBinary, vectorFromBinary } from './vectorCodec';

describe('vectorBinary', () => {
  it("writes pgvector's binary form: dimensions, a reserved word, big-endian float32s", () => {
    expect(vectorBinary([1, -2.5]).toString('hex')).toBe(
      '00020000' + '3f800000' + 'c0200000',
    );
  });

  it('reads back as the float32 values of what was written, whatever the input array', () => {
    const values = Array.from({ length: 1536 }, (_, i) => Math.sin(i) / 7);
    expect(vectorFromBinary(vectorBinary(values))).toEqual(
      Float32Array.from(values),
    );
    expect(vectorFromBinary(vectorBinary(Float32Array.from(values)))).toEqual(
      Float32Array.from(values),
    );
  });
});
