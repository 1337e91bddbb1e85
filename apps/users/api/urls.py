from apps.core.api.urls import OptionalSlashRouter
from apps.users.api.views import DepartmentViewSet, RoleViewSet, TeamViewSet, UserViewSet

router = OptionalSlashRouter()
router.register("users", UserViewSet, basename="user")
router.register("roles", RoleViewSet, basename="role")
router.register("teams", TeamViewSet, basename="team")
router.register("departments", DepartmentViewSet, basename="department")
urlpatterns = router.urls
