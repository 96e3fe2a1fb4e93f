/** A partner account's kind in words. */
export const kindWords: Record<string, string> = {
  pending: 'Pending (in hold)',
  available: 'Available',
  processing: 'In a payout',
  paid: 'Paid',
  credits: 'Credits',
};

export const kindOrder = ['pending', 'available', 'processing', 'paid', 'credits'];

const programAccountWords: Record<string, string> = {
  expense: 'program expense',
  fx: 'currency exchange',
  credits_issued: 'credits issued',
  credits_redeemed: 'credits redeemed',
};

/**
 * Any ledger account in words: `program:P:partner:A:kind` reads
 * "Northwind Reviews — Available (Referrals)", a program's own account
 * "Referrals — program expense"; anything else stays as it is.
 */
export function accountWords(
  account: string,
  programName: (id: string) => string,
  partnerName: (id: string) => string,
): string {
  const partner = /^program:([^:]+):partner:([^:]+):([a-z_]+)$/.exec(account);
  if (partner) {
    const [, program = '', id = '', kind = ''] = partner;
    return `${partnerName(id)} — ${kindWords[kind] ?? kind} (${programName(program)})`;
  }
  const own = /^program:([^:]+):([a-z_]+)$/.exec(account);
  if (own) {
    const [, program = '', kind = ''] = own;
    return `${programName(program)} — ${programAccountWords[kind] ?? kind.replace(/_/g, ' ')}`;
  }
  return account;
}
