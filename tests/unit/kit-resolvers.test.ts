import { mergeResolvers } from '../../subgraphs/kit/resolvers';
import { DateScalar, DecimalScalar } from '../../subgraphs/kit/scalars';

describe('mergeResolvers', () => {
  it('merges area files type by type, with the kit scalars', () => {
    const hello = () => 'hello';
    const asset = () => null;
    const tag = () => 'LAP-1';
    const merged = mergeResolvers<Record<string, object>>({ Query: { hello } }, { Query: { asset }, Asset: { tag } });
    expect(merged.Query).toEqual({ hello, asset });
    expect(merged.Asset).toEqual({ tag });
    expect(merged.Decimal).toBe(DecimalScalar);
    expect(merged.Date).toBe(DateScalar);
  });

  it('refuses a field resolved in two area files instead of letting the later one win', () => {
    expect(() => mergeResolvers<Record<string, object>>({ Asset: { tag: () => 'a' } }, { Asset: { tag: () => 'b' } })).toThrow(
      'Asset.tag is resolved in two area files',
    );
    expect(() => mergeResolvers<Record<string, object>>({ Decimal: DecimalScalar })).toThrow('scalar Decimal is resolved twice');
  });
});
