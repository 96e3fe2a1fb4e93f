import { describe, expect, it } from 'vitest';
import { emptyForm, type KbForm, requestOf, slugify, validate } from './kb-form';

const page: KbForm = {
  title: 'How referrals work',
  slug: 'how-referrals-work',
  audience: 'partners',
  position: '1',
  published: true,
  body: '## Links',
  note: '',
};

describe('the knowledge base editor form', () => {
  it('suggests an address from the title', () => {
    expect(slugify('Joining a co-marketing campaign!')).toBe('joining-a-co-marketing-campaign');
    expect(slugify('  Über Café — FAQ  ')).toBe('uber-cafe-faq');
    expect(slugify('---')).toBe('');
    expect(slugify('a'.repeat(79) + ' b')).toBe('a'.repeat(79));
  });

  it('says what to fix, in words', () => {
    expect(validate(page)).toEqual({});
    expect(validate({ ...emptyForm })).toMatchObject({
      title: 'Give the page a title.',
      slug: 'Give the page an address.',
    });
    expect(validate({ ...page, slug: 'Not A Slug' }).slug).toMatch(/lowercase/);
    expect(validate({ ...page, position: '-1' }).position).toBe('A whole number, 0 or more.');
    // 60,000 characters, 120,000 bytes.
    expect(validate({ ...page, body: 'é'.repeat(60_000) }).body).toMatch(/over 100 KB/);
  });

  it('saves only what changed, so saving over another version keeps their other changes', () => {
    expect(requestOf({ ...page, body: '## Codes', note: ' typo ' }, page)).toEqual({
      body: '## Codes',
      note: 'typo',
    });
    expect(requestOf(page, page)).toEqual({});
    // A new page sends everything (an empty order: after every page).
    expect(requestOf({ ...page, position: '' })).toEqual({
      title: 'How referrals work',
      slug: 'how-referrals-work',
      audience: 'partners',
      published: true,
      body: '## Links',
    });
  });
});
