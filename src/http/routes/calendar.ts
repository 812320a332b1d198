/**
 * /api/calendar/{year}: holidays, compensatory days off and make-up working days (edit: admin);
 * /api/calendar/next-working-day?after=YYYY-MM-DD: the first working day after a day.
 */
import { Router } from 'express';
import type { AppDeps } from '../deps';
import { userOf } from '../deps';
import { CalendarService } from '../../services/calendar-service';

export function calendarRoutes(deps: AppDeps): Router {
  const service = new CalendarService(deps.ctx);
  const r = Router();
  r.get('/next-working-day', async (req, res) => {
    res.json(await service.nextWorkingDay(req.query));
  });
  r.get('/:year', async (req, res) => {
    res.json(await service.year(Number(req.params.year)));
  });
  r.put('/:year', async (req, res) => {
    res.json(await service.putYear(userOf(res), Number(req.params.year), req.body));
  });
  return r;
}
