// The pages of the dashboard in menu order; each is a list of widgets on a grid.
import { page as activities } from './activities.js';
import { page as admin } from './admin.js';
import { page as builder } from './builder.js';
import { page as desktop } from './desktop.js';
import { page as dynamics } from './dynamics.js';
import { page as forgotten } from './forgotten.js';
import { page as funnel } from './funnel.js';
import { page as goals } from './goals.js';
import { page as managers } from './managers.js';
import { page as overview } from './overview.js';

export const PAGES = [overview, dynamics, managers, funnel, forgotten, activities, goals, desktop, builder, admin];

// The pages the current person may open (/me lists them; the admin page only for admins).
export function allowedPages(me) {
  return me?.pages ? PAGES.filter((p) => me.pages.includes(p.id)) : PAGES.filter((p) => p.id !== 'admin');
}
