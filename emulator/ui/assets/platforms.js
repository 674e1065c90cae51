// The emulated platforms, in the order the dashboard shows them.
export const PLATFORMS = [
  ['cleverapp', 'CleverApp'],
  ['onebot', 'Onebot'],
  ['salebot', 'Salebot'],
  ['bothelp', 'BotHelp'],
];

export const platformName = (name) => (PLATFORMS.find(([id]) => id === name) || [name, name])[1];

// What each platform calls its end users.
export const USERS = { cleverapp: 'Contacts', onebot: 'Contacts', salebot: 'Clients', bothelp: 'Subscribers' };
